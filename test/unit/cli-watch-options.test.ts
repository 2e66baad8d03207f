import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { withWatchOptions } from '../../electron/core/cli/watch-options.ts';

function parse(args: string[]): Record<string, unknown> {
  const command = withWatchOptions(new Command('watch'))
    .exitOverride()
    .action(() => {});
  command.parse(args, { from: 'user' });
  return command.opts();
}

describe('the options watch and serve share', () => {
  it('archive by default; --no-archive turns it off', () => {
    expect(parse(['--db', 'o.db']).archive).toBe(true);
    expect(parse(['--db', 'o.db', '--no-archive']).archive).toBe(false);
  });

  it('read durations and sizes as the commands use them', () => {
    expect(
      parse(['--poll', '250ms', '--stall-after', '20s', '--archive-keep-days', '7']),
    ).toMatchObject({ poll: 250, stallAfter: 20_000, archiveKeepDays: 7, archive: true });
  });

  it('take --artifact-root as often as given, and the caps per archive', () => {
    expect(
      parse([
        ...['--artifact-root', '/mnt/a', '--artifact-root', 'b'],
        ...['--archive-max-files-per-run', '10', '--archive-max-gb-per-run', '0.5'],
      ]),
    ).toMatchObject({
      artifactRoot: ['/mnt/a', 'b'],
      archiveMaxFilesPerRun: 10,
      archiveMaxGbPerRun: 0.5,
    });
    expect(() => parse(['--archive-max-files-per-run', '0'])).toThrow(/whole number ≥ 1/);
  });
});

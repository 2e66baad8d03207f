import { ConfigError } from '../config/yaml-validate.ts';
import { parseProfile } from '../source/profile/profile-file.ts';
import type { SourceProfile } from '../source/profile/source-profile.ts';
import { SourceError } from '../source/source-error.ts';
import { sourceFor } from '../source/open-source.ts';
import { shownLocation } from '../source/pg/pg-location.ts';
import { EXIT_INPUT, EXIT_OK } from './cli-errors.ts';
import { reportConfigError } from './config-problems.ts';
import { unindexedNotice } from './index-notice.ts';

/** A mapping file (`--schema FILE`) rather than an alerts config: it says what it detects. */
export function isMappingText(text: string): boolean {
  return /^detect\s*:/m.test(text) && /^runs\s*:/m.test(text);
}

/**
 * `check-config` on a mapping file: every problem of the file as `file:line:col: message`, then,
 * with `--db`, every table and column the database lacks, placed the same way.
 */
export async function checkMappingFile(
  file: string,
  text: string,
  db: string | undefined,
): Promise<number> {
  let profile: SourceProfile;
  try {
    profile = parseProfile(text, file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return reportConfigError(error);
  }
  const id = profile.runs.id.map((part) => part.column).join('/');
  const summary = [
    `${profile.file}: ok`,
    `  schema ${profile.name}: ${profile.description}`,
    `  runs: ${profile.runs.table} (id ${id})`,
    `  steps: ${profile.steps ? profile.steps.table : 'none'}`,
  ];
  if (db === undefined) {
    process.stdout.write(`${summary.join('\n')}\n`);
    return EXIT_OK;
  }
  const source = sourceFor(db, { profile, text }, () => {});
  try {
    const info = await source.open();
    const counts = await source.countRuns();
    summary.push(
      `  ${shownLocation(db)}: fits; ${counts.active} active, ${counts.finished} finished runs`,
    );
    process.stdout.write(`${summary.join('\n')}\n`);
    for (const index of info.missingIndexes) {
      const names = `${index.table}(${index.column})`;
      process.stderr.write(`warning: ${unindexedNotice(names, info.journalMode)}\n`);
    }
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return EXIT_INPUT;
  } finally {
    await source.close();
  }
}

import type { AckTarget } from '../../../shared/attention.ts';
import { StateStore } from '../store/state-store.ts';
import { EXIT_OK, InputError, UsageError } from './cli-errors.ts';
import { findSourcePaths } from './source-paths.ts';

export interface AckOptions {
  db?: string;
  dataDir?: string;
  run?: string;
  pipeline?: string;
  all?: boolean;
}

function targetOf(options: AckOptions): AckTarget {
  const given = [options.run !== undefined, options.pipeline !== undefined, options.all === true];
  if (given.filter(Boolean).length !== 1) {
    throw new UsageError('give exactly one of --run ID, --pipeline NAME or --all');
  }
  if (options.run !== undefined) return { run: options.run };
  if (options.pipeline !== undefined) return { pipeline: options.pipeline };
  return { all: true };
}

/** Marks what needs attention as seen, in the data dir's state.db (a watch may be running). */
export function ackCommand(options: AckOptions): number {
  const target = targetOf(options);
  const paths = findSourcePaths(options);
  process.stderr.write(`runwatch: data dir ${paths.dataDir} (${paths.dataDirFrom})\n`);
  if (!StateStore.exists(paths.dataDir)) {
    throw new InputError(
      `nothing is known about ${paths.shown} yet (no state in ${paths.dataDir}); start \`runwatch watch --db ${paths.shown}\` first`,
    );
  }
  const store = StateStore.open(paths.dataDir, 'existing');
  try {
    const count = store.acknowledge(target, Date.now());
    const what =
      'run' in target
        ? `run ${target.run}`
        : 'pipeline' in target
          ? `pipeline ${target.pipeline}`
          : 'everything';
    process.stdout.write(
      count === 0
        ? `nothing needed attention for ${what}\n`
        : `acknowledged ${count} item${count === 1 ? '' : 's'} for ${what}\n`,
    );
    return EXIT_OK;
  } finally {
    store.close();
  }
}

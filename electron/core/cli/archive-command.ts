import fs from 'node:fs';
import path from 'node:path';
import { formatBytes } from '../../../shared/bytes.ts';
import {
  artifactPolicy,
  type ArtifactPolicy,
  type SchemaArtifacts,
} from '../archive/artifact-policy.ts';
import { EventBus } from '../events/event-bus.ts';
import { finishedRunFromRead, sameFinish, type FinishedRun } from '../model/finished-run.ts';
import { JobRunner } from '../jobs/job-runner.ts';
import { streamLogger, type Logger } from '../log.ts';
import { SourceError } from '../source/source-error.ts';
import { schemaChoice } from '../source/builtin-profiles.ts';
import type { SchemaChoice } from '../source/profile/source-profile.ts';
import { sourceFor } from '../source/open-source.ts';
import {
  acquireDataDirLock,
  DataDirBusyError,
  dataDirHolder,
  type DataDirLock,
} from '../store/data-dir-lock.ts';
import type { ArchiveJobResult, Job, JobProgress, ReportJobResult } from '../store/job-table.ts';
import { StateStore } from '../store/state-store.ts';
import { EXIT_INPUT, EXIT_OK, InputError } from './cli-errors.ts';
import { progressLine } from './progress-bar.ts';
import { findSourcePaths, type SourcePaths } from './source-paths.ts';
import { artifactRulesOf, type ArtifactOptions } from './watch-options.ts';

export interface ArchiveOptions extends ArtifactOptions {
  db?: string;
  schema?: string;
  dataDir?: string;
  run: string;
  verbose?: boolean;
}

const WAIT_POLL_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Draws the progress bar on a terminal only; a pipe gets the result lines alone. */
function progressPrinter(): { show(progress: JobProgress): void; clear(): void } {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  return {
    show(progress) {
      if (!tty) return;
      shown = true;
      process.stderr.write(`\r${progressLine(progress, (process.stderr.columns || 80) - 1)}`);
    },
    clear() {
      if (tty && shown) process.stderr.write('\r\u001b[2K');
      shown = false;
    },
  };
}

/**
 * The run as the database holds it now, if it has finished; `schemaRoots` gets where the
 * source's profile puts runs' folders (an allowed artifact root).
 */
async function readFinishedRun(
  paths: SourcePaths,
  schema: SchemaChoice,
  runId: string,
  attempt: number,
  fromSchema: SchemaArtifacts,
): Promise<FinishedRun> {
  const source = sourceFor(paths.dbPath, schema, () => {});
  try {
    await source.open();
    if (source.artifactRoot !== null) fromSchema.roots = [source.artifactRoot];
    fromSchema.optional = source.artifactsOptional;
    fromSchema.known = true;
    const observed = (await source.readRuns([runId])).get(runId);
    if (!observed) throw new InputError(`run ${JSON.stringify(runId)} is not in ${paths.shown}`);
    const run = finishedRunFromRead(observed, paths.sourceName, attempt, paths.dbPath);
    if (!run) {
      throw new InputError(
        `run ${JSON.stringify(runId)} has not finished (status ${observed.status}); it is archived when it finishes`,
      );
    }
    return run;
  } catch (error) {
    if (error instanceof SourceError) throw new InputError(error.message);
    throw error;
  } finally {
    await source.close();
  }
}

async function enqueue(
  store: StateStore,
  paths: SourcePaths,
  schema: SchemaChoice,
  runId: string,
  fromSchema: SchemaArtifacts,
): Promise<number[]> {
  const known = store.getRun(runId);
  const attempt = known?.attempt ?? 1;
  const run = await readFinishedRun(paths, schema, runId, attempt, fromSchema);
  const recorded = known?.phase === 'finished' ? store.jobs.completion(runId, attempt) : null;
  if (recorded && !sameFinish(recorded, run)) {
    // A new attempt: archiving it as the one Runwatch knows would overwrite that one's archive.
    throw new InputError(
      `run ${JSON.stringify(runId)} ran again since Runwatch recorded attempt ${attempt} (${recorded.outcome}); start \`runwatch watch\` to record the new attempt, which archives it`,
    );
  }
  return store.jobs.enqueueCompletion(
    run,
    null,
    Date.now(),
    `archive command (pid ${process.pid})`,
  );
}

function ended(store: StateStore, ids: readonly number[]): Job[] | null {
  const jobs = ids.map((id) => store.jobs.get(id));
  return jobs.every((job) => job !== null && job.state !== 'pending') ? (jobs as Job[]) : null;
}

/**
 * What this process may archive: the flags, over the settings of a `serve` that used this data
 * dir (its settings.json), so that a run it would archive is archived here too.
 */
async function policyOf(
  options: ArchiveOptions,
  paths: SourcePaths,
  fromSchema: SchemaArtifacts,
): Promise<ArtifactPolicy> {
  let served;
  if (fs.existsSync(path.join(paths.dataDir, 'settings.json'))) {
    const { loadServedSettings } = await import('./serve-command.ts');
    const { settingsLayers } = await import('../settings/settings-layers.ts');
    served = settingsLayers((await loadServedSettings(paths)).settings).archive.artifacts;
  }
  return artifactPolicy(
    paths.dbPath,
    paths.dataDir,
    artifactRulesOf(options, served),
    () => fromSchema,
  );
}

/** Runs the jobs in this process, holding the data dir. */
async function runHere(
  store: StateStore,
  paths: SourcePaths,
  ids: readonly number[],
  log: Logger,
  artifactPolicy: ArtifactPolicy,
): Promise<Job[]> {
  const bar = progressPrinter();
  const bus = new EventBus((error) => log.error(String(error)));
  const runner = new JobRunner({
    store,
    bus,
    dataDir: paths.dataDir,
    artifactPolicy,
    log: {
      ...log,
      info: (m) => (bar.clear(), log.info(m)),
      warn: (m) => (bar.clear(), log.warn(m)),
    },
    onProgress: (_job, progress) => bar.show(progress),
    only: new Set(ids),
  });
  // Each job's end is published: look again then, rather than at the next poll.
  let wakeUp = () => {};
  const unsubscribe = bus.onAny(() => wakeUp());
  runner.start();
  try {
    for (;;) {
      const done = ended(store, ids);
      if (done) return done;
      await Promise.race([
        sleep(WAIT_POLL_MS / 2),
        new Promise<void>((resolve) => (wakeUp = resolve)),
      ]);
    }
  } finally {
    unsubscribe();
    bar.clear();
    await runner.stop();
  }
}

/** Waits for the watch that holds the data dir to run the jobs; takes over if it goes away. */
async function waitForHolder(
  store: StateStore,
  paths: SourcePaths,
  ids: readonly number[],
  log: Logger,
): Promise<{ jobs: Job[] } | { lock: DataDirLock }> {
  const bar = progressPrinter();
  try {
    for (;;) {
      const done = ended(store, ids);
      if (done) return { jobs: done };
      const running = ids.map((id) => store.jobs.get(id)).find((job) => job?.progress);
      if (running?.progress) bar.show(running.progress);
      if (dataDirHolder(paths.dataDir) === null) {
        try {
          const lock = acquireDataDirLock(paths.dataDir);
          bar.clear();
          log.info('the watch stopped; archiving here');
          return { lock };
        } catch (error) {
          if (!(error instanceof DataDirBusyError)) throw error;
        }
      }
      await sleep(WAIT_POLL_MS);
    }
  } finally {
    bar.clear();
  }
}

function printResult(jobs: readonly Job[], runId: string): number {
  const archive = jobs.find((job) => job.kind === 'archive');
  const report = jobs.find((job) => job.kind === 'report');
  const result = archive?.result as ArchiveJobResult | null | undefined;
  let code = EXIT_OK;
  if (!archive) process.stdout.write(`run ${runId} has no artifacts folder: nothing to archive\n`);
  else if (result?.archived === true) {
    process.stdout.write(
      `archived ${runId}: ${result.files} files, ${formatBytes(result.bytes)} (zip ${formatBytes(result.zip_bytes)}), verified\n` +
        `  ${result.path}\n  sha256 ${result.sha256}\n`,
    );
  } else if (result?.archived === null) {
    process.stdout.write(`run ${runId}: the artifacts folder holds no file to archive\n`);
  } else {
    process.stderr.write(
      `runwatch: archive of ${runId} failed: ${archive.lastError ?? 'unknown error'}\n`,
    );
    code = EXIT_INPUT;
  }
  for (const skipped of result?.skipped ?? []) {
    process.stdout.write(`  skipped ${skipped.path}: ${skipped.reason}\n`);
  }
  const written = report?.result as ReportJobResult | null | undefined;
  if (written) process.stdout.write(`report ${written.path}\n`);
  else if (report) {
    process.stderr.write(`runwatch: report failed: ${report.lastError ?? 'unknown error'}\n`);
    code = EXIT_INPUT;
  }
  return code;
}

/**
 * `runwatch archive`: (re)archives one finished run now. With a watch holding the data dir, the
 * job is queued in its state.db and this waits for it (ARCHITECTURE.md §2); otherwise it runs here.
 */
export async function archiveCommand(options: ArchiveOptions): Promise<number> {
  const log = streamLogger((line) => process.stderr.write(line), {
    verbose: options.verbose ?? false,
  });
  const paths = findSourcePaths(options);
  log.info(`data dir ${paths.dataDir} (${paths.dataDirFrom})`);
  let lock: DataDirLock | null = null;
  let holder: number | null = null;
  try {
    lock = acquireDataDirLock(paths.dataDir);
  } catch (error) {
    if (!(error instanceof DataDirBusyError)) throw error;
    holder = error.pid;
  }
  const store = StateStore.open(paths.dataDir, lock ? 'create' : 'existing');
  try {
    const schema = options.schema === undefined ? null : schemaChoice(options.schema);
    const fromSchema: SchemaArtifacts = { known: false, roots: [], optional: false };
    const ids = await enqueue(store, paths, schema, options.run, fromSchema);
    let jobs: Job[];
    if (lock)
      jobs = await runHere(store, paths, ids, log, await policyOf(options, paths, fromSchema));
    else {
      log.info(
        `a watch${holder === null ? '' : ` (pid ${holder})`} holds ${paths.dataDir}; it archives the run, waiting for it`,
      );
      const waited = await waitForHolder(store, paths, ids, log);
      if ('lock' in waited) {
        lock = waited.lock;
        jobs = await runHere(store, paths, ids, log, await policyOf(options, paths, fromSchema));
      } else jobs = waited.jobs;
    }
    return printResult(jobs, options.run);
  } finally {
    store.close();
    lock?.release();
  }
}

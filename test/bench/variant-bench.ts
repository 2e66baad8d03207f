/**
 * Every in-process measurement for one database (with or without the indexes, or tied): the monitor's
 * first load, its idle cost, detection latency with and without the folder hint, the cycle
 * costs on the source alone, and the naive baseline — all on private copies of the file.
 */
import path from 'node:path';
import type { BenchConfig } from './bench-config.ts';
import {
  measureChangeCheck,
  measureOneChange,
  type ChangeCheckResult,
  type OneChangeResult,
} from './cycle-bench.ts';
import { workingCopy } from './generate-db.ts';
import { measureLatency, type LatencyResult } from './latency-bench.ts';
import { MonitorHarness } from './monitor-harness.ts';
import { measureMonitorIdle, type MonitorIdleResult } from './monitor-idle.ts';
import { measureNaive, type NaiveResult } from './naive-poller.ts';
import { measureTieReread, type TieRereadResult } from './tie-reread.ts';
import type { WriterArgs } from './writer-protocol.ts';

/** The monitor runs at its default poll (100 ms); the idle floor is measured at the same rate. */
const POLL_MS = 100;
const CHANGE_CHECK_CALLS = 20_000;

export interface FirstLoad {
  ms: number;
  cpuMs: number;
  maxBlockMs: number;
}

export interface VariantResult {
  label: string;
  missingIndexes: string[];
  firstLoad: FirstLoad;
  idle: MonitorIdleResult;
  /** `spaced`: changes far apart, so the monitor's idle checks space out between them. */
  latency: { hint: LatencyResult; noHint: LatencyResult; spaced: LatencyResult | null };
  changeCheck: ChangeCheckResult;
  oneChange: OneChangeResult;
  naive: NaiveResult;
  /** The change query before keyset reads, from the tied stamp (the tied database only). */
  tieReread: TieRereadResult | null;
  /** Warnings and errors the monitor logged (none expected). */
  log: string[];
}

export interface Variant {
  slug: string;
  label: string;
  file: string;
  /** How the writer stamps `updated_at`. */
  stamp: WriterArgs['stamp'];
  /** Also measure changes far apart (one database is enough). */
  spaced?: boolean;
  /** Also measure the old change query's re-read of the tie (the tied database). */
  tieBaseline?: boolean;
}

type Progress = (message: string) => void;

async function startHarness(
  variant: Variant,
  workDir: string,
  name: string,
  folderHint: boolean,
  config: BenchConfig,
): Promise<{ harness: MonitorHarness; dbPath: string }> {
  const dbPath = workingCopy(variant.file, workDir, `${variant.slug}-${name}`);
  const harness = new MonitorHarness({
    dbPath,
    dataDir: path.join(workDir, `${variant.slug}-${name}-data`),
    folderHint,
    stallAfterMs: config.stallAfterMs,
  });
  await harness.start();
  return { harness, dbPath };
}

function firstLoadOf(harness: MonitorHarness): FirstLoad {
  return { ms: harness.loadMs, cpuMs: harness.loadCpuMs, maxBlockMs: harness.loadMaxBlockMs };
}

export async function benchVariant(
  variant: Variant,
  config: BenchConfig,
  workDir: string,
  progress: Progress,
): Promise<VariantResult> {
  const log: string[] = [];
  const writer = (
    dbPath: string,
    changes: number,
    seed: number,
    prefix: string,
    gapMs = config.gapMs,
  ) => ({
    dbPath,
    changes,
    gapMs,
    seed,
    newRunPrefix: prefix,
    stepsPerRun: config.sizes.stepsPerRun,
    stamp: variant.stamp,
  });

  // With the folder hint (the default): first load, idle cost, then latency.
  const hinted = await startHarness(variant, workDir, 'hint', true, config);
  let idle: MonitorIdleResult;
  let hint: LatencyResult;
  let spaced: LatencyResult | null = null;
  try {
    progress(
      `${variant.label}: first load ${(hinted.harness.loadMs / 1_000).toFixed(1)} s; idling`,
    );
    idle = await measureMonitorIdle(hinted.harness, config.monitorIdleMs, POLL_MS);
    progress(`${variant.label}: latency, folder hint on (${config.changes} changes)`);
    hint = await measureLatency({
      harness: hinted.harness,
      writer: writer(hinted.dbPath, config.changes, 1, 'bench-new-hint-'),
      idleCpuShare: idle.cpuPercent / 100,
    });
    if (variant.spaced) {
      const [low, high] = config.spacedGapMs;
      progress(
        `${variant.label}: latency, ${config.spacedChanges} changes ${low / 1_000}–${high / 1_000} s apart`,
      );
      spaced = await measureLatency({
        harness: hinted.harness,
        writer: writer(hinted.dbPath, config.spacedChanges, 3, 'bench-spaced-', config.spacedGapMs),
        idleCpuShare: idle.cpuPercent / 100,
      });
    }
  } finally {
    await hinted.harness.stop();
  }
  log.push(...hinted.harness.logLines.filter((line) => !line.startsWith('info:')));
  const missingIndexes = (hinted.harness.diagnostics?.missingIndexes ?? []).map(
    (index) => `${index.table}(${index.column})`,
  );

  // Without the hint: the monitor finds changes by its 100 ms poll alone.
  const plain = await startHarness(variant, workDir, 'nohint', false, config);
  let noHint: LatencyResult;
  try {
    progress(`${variant.label}: latency, folder hint off (${config.changesNoHint} changes)`);
    noHint = await measureLatency({
      harness: plain.harness,
      writer: writer(plain.dbPath, config.changesNoHint, 2, 'bench-new-plain-'),
      idleCpuShare: idle.cpuPercent / 100,
    });
  } finally {
    await plain.harness.stop();
  }
  log.push(...plain.harness.logLines.filter((line) => !line.startsWith('info:')));

  // The source alone, and the naive baseline, on a fresh copy: the first change after the
  // first read then meets the database as generated (every row tied, in the tied one).
  progress(`${variant.label}: cycle costs and the naive baseline`);
  const dbPath = workingCopy(variant.file, workDir, `${variant.slug}-cycle`);
  // The naive read goes before the one-change loop, which finishes some of the active runs.
  const changeCheck = measureChangeCheck(dbPath, CHANGE_CHECK_CALLS);
  const naive = measureNaive(dbPath, config.repeatBudgetMs);
  const tieReread = variant.tieBaseline ? measureTieReread(dbPath, config.repeatBudgetMs) : null;
  const oneChange = measureOneChange(dbPath, config.repeatBudgetMs, variant.stamp);

  return {
    label: variant.label,
    missingIndexes,
    firstLoad: firstLoadOf(hinted.harness),
    idle,
    latency: { hint, noHint, spaced },
    changeCheck,
    oneChange,
    naive,
    tieReread,
    log,
  };
}

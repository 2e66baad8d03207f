/**
 * `npm run bench [-- --quick] [-- --only monitor|archive|alert|dashboard|config|cli|profiles]`: Runwatch's
 * change detection against a large orchestration database — latency, cycle cost, idle CPU and
 * memory — beside the naive poller it replaces, archiving a run's artifacts beside Info-ZIP, and
 * the alert engine's throughput beside recording the events alone, and the dashboard in Chromium
 * with 10,000 runs beside re-sending its whole snapshot, checking a 150,000-rule config beside
 * merely parsing it, the command line's start-up from its bundle beside its TypeScript
 * sources, and watching a large Airflow database beside re-reading it whole, each measured in the
 * same run. Prints
 * tables and saves test-results/bench.json; it never fails on a timing (benchmarks report, they
 * do not assert).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchConfig, TARGETS } from './bench-config.ts';
import { ratiosOf, type BenchResults } from './bench-results.ts';
import { benchAlerts } from './alert-bench.ts';
import { formatAlertReport } from './alert-report.ts';
import { benchArchive, type ArchiveBenchResult } from './archive-bench.ts';
import { benchArchiveCommand, hasInfoZip } from './archive-command-bench.ts';
import { benchDashboard } from './dashboard-section.ts';
import { formatDashboardReport } from './dashboard-report.ts';
import { formatArchiveReport } from './archive-report.ts';
import { ensureArtifactTree } from './artifact-tree.ts';
import { benchConfigFile, formatConfigReport } from './config-bench.ts';
import { CLI_SOURCES, measureCliIdle } from './cli-idle-bench.ts';
import { benchAirflow, formatAirflowReport } from './airflow-bench.ts';
import { benchAirflowPg, formatAirflowPgReport } from './airflow-pg-bench.ts';
import { pgBinDir } from '../support/pg-cluster.ts';
import { benchCliStart, buildCliBundle } from './cli-start-bench.ts';
import { formatCliStartReport } from './cli-start-report.ts';
import { cacheRoot, ensureBenchDbs, oneRunDb, workingCopy } from './generate-db.ts';
import { formatReport } from './report.ts';
import { benchVariant, type Variant } from './variant-bench.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RESULTS_FILE = path.join(ROOT, 'test-results', 'bench.json');

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

const SECTIONS = ['monitor', 'archive', 'alert', 'dashboard', 'config', 'cli', 'profiles'] as const;
type Section = (typeof SECTIONS)[number];

function onlyArg(): Section | null {
  const i = process.argv.indexOf('--only');
  const value = i === -1 ? null : (process.argv[i + 1] ?? '');
  if (value === null) return null;
  const section = SECTIONS.find((name) => name === value);
  if (section) return section;
  throw new Error(`--only takes ${SECTIONS.join(', ')}, not ${value}`);
}

async function archiveSection(quick: boolean, workDir: string): Promise<ArchiveBenchResult> {
  const spec = quick ? { mb: 150, smallFiles: 3_000 } : { mb: 1_000, smallFiles: 20_000 };
  progress(`archive: artifact tree of about ${spec.mb} MB under ${cacheRoot()}`);
  const tree = ensureArtifactTree(spec);
  const inProcess = await benchArchive(tree, workDir, progress);
  if (!hasInfoZip()) {
    progress('archive: zip or unzip is not installed: no whole-command figures');
    return { ...inProcess, command: null };
  }
  const mixed = ensureArtifactTree({ mb: 80, smallFiles: 3_000, small: 'json' });
  // Timed as users run it: bin/runwatch.js runs the bundle only when it is current.
  progress('archive: building the command line bundle, as npm install does');
  await buildCliBundle();
  const command = await benchArchiveCommand(
    [
      {
        label: `${Math.round(mixed.bytes / 2 ** 20)} MB mixed`,
        tree: mixed,
        repeats: quick ? 2 : 3,
      },
      { label: `${Math.round(tree.bytes / 2 ** 20)} MB tree`, tree, repeats: quick ? 1 : 2 },
    ],
    workDir,
    progress,
  );
  return { ...inProcess, command };
}

/** The Airflow rows on PostgreSQL, where its server programs are installed. */
async function airflowOnPostgres(quick: boolean) {
  if (pgBinDir() === null) {
    progress('airflow on PostgreSQL: PostgreSQL is not installed, no figures');
    return null;
  }
  return [
    await benchAirflowPg(quick, false, progress),
    await benchAirflowPg(quick, true, progress),
  ];
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const only = onlyArg();
  if (only === 'archive') {
    fs.mkdirSync(cacheRoot(), { recursive: true });
    const workDir = fs.mkdtempSync(path.join(cacheRoot(), 'work-'));
    try {
      const archive = await archiveSection(quick, workDir);
      fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
      fs.writeFileSync(RESULTS_FILE, `${JSON.stringify({ archive }, null, 2)}\n`);
      process.stdout.write(`\n${formatArchiveReport(archive)}\n`);
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
    return;
  }
  if (only === 'profiles') {
    fs.mkdirSync(cacheRoot(), { recursive: true });
    const workDir = fs.mkdtempSync(path.join(cacheRoot(), 'work-'));
    try {
      await buildCliBundle();
      const airflow = await benchAirflow(quick, workDir, progress);
      const airflowPg = await airflowOnPostgres(quick);
      fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
      fs.writeFileSync(RESULTS_FILE, `${JSON.stringify({ airflow, airflowPg }, null, 2)}\n`);
      process.stdout.write(`\n${formatAirflowReport(airflow)}\n`);
      for (const result of airflowPg ?? []) {
        process.stdout.write(`\n${formatAirflowPgReport(result)}\n`);
      }
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
    return;
  }
  if (only === 'dashboard') {
    const dashboard = benchDashboard(quick);
    fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
    fs.writeFileSync(RESULTS_FILE, `${JSON.stringify({ dashboard }, null, 2)}\n`);
    process.stdout.write(`\n${formatDashboardReport(dashboard)}\n`);
    return;
  }
  if (only === 'config') {
    fs.mkdirSync(cacheRoot(), { recursive: true });
    const workDir = fs.mkdtempSync(path.join(cacheRoot(), 'work-'));
    try {
      const configFile = await benchConfigFile(quick, workDir, progress);
      fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
      fs.writeFileSync(RESULTS_FILE, `${JSON.stringify({ configFile }, null, 2)}\n`);
      process.stdout.write(`\n${formatConfigReport(configFile)}\n`);
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
    return;
  }
  if (only === 'cli') {
    fs.mkdirSync(cacheRoot(), { recursive: true });
    const workDir = fs.mkdtempSync(path.join(cacheRoot(), 'work-'));
    try {
      const { withIndexes } = ensureBenchDbs(benchConfig(quick).sizes);
      const dbPath = workingCopy(withIndexes, workDir, 'cli-start');
      const cli = await benchCliStart(dbPath, quick, workDir, progress);
      fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
      fs.writeFileSync(RESULTS_FILE, `${JSON.stringify({ cliStart: cli }, null, 2)}\n`);
      process.stdout.write(`\n${formatCliStartReport(cli)}\n`);
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
    return;
  }
  if (only === 'alert') {
    fs.mkdirSync(cacheRoot(), { recursive: true });
    const workDir = fs.mkdtempSync(path.join(cacheRoot(), 'work-'));
    try {
      const alert = await benchAlerts(quick, workDir, progress);
      fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
      fs.writeFileSync(RESULTS_FILE, `${JSON.stringify({ alert }, null, 2)}\n`);
      process.stdout.write(`\n${formatAlertReport(alert)}\n`);
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
    return;
  }
  const config = benchConfig(quick);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const workDir = fs.mkdtempSync(path.join(cacheRoot(), 'work-'));
  try {
    progress(`${config.mode} run; databases cached under ${path.join(cacheRoot(), 'dbs')}`);
    const generation = ensureBenchDbs(config.sizes);
    progress(
      generation.cached
        ? `databases from cache (built ${generation.generatedAt})`
        : `databases built: tables ${(generation.generateMs.tables / 1_000).toFixed(1)} s, indexes ${(generation.generateMs.indexes / 1_000).toFixed(1)} s`,
    );
    const variants: Variant[] = [
      {
        slug: 'indexed',
        label: 'with indexes',
        file: generation.withIndexes,
        stamp: 'iso',
        spaced: true,
      },
      { slug: 'plain', label: 'without indexes', file: generation.withoutIndexes, stamp: 'iso' },
      {
        slug: 'tied',
        label: 'tied timestamps',
        file: generation.tied,
        stamp: 'seconds',
        tieBaseline: true,
      },
    ];
    const reports = [];
    for (const variant of variants) {
      const result = await benchVariant(variant, config, workDir, progress);
      reports.push({ ...result, ratios: ratiosOf(result) });
    }

    // The CLI as users run it: bin/runwatch.js runs the bundle when it is current.
    await buildCliBundle();
    progress(
      `CLI: runwatch watch (poll 100ms, 1s, from the sources, with V8's defaults, and on one run), then ${config.cliIdleMs / 1_000} s idle`,
    );
    const stallAfter = ['--stall-after', `${config.stallAfterMs / 3_600_000}h`];
    const cli = await measureCliIdle({
      configs: [
        {
          label: 'poll 100ms (default)',
          dbPath: workingCopy(generation.withIndexes, workDir, 'cli-default'),
          args: stallAfter,
        },
        {
          label: 'poll 1s',
          dbPath: workingCopy(generation.withIndexes, workDir, 'cli-poll-1s'),
          args: [...stallAfter, '--poll', '1s'],
        },
        {
          label: 'sources, not bundled',
          dbPath: workingCopy(generation.withIndexes, workDir, 'cli-sources'),
          args: stallAfter,
          entry: CLI_SOURCES,
        },
        {
          // What the small-heap flags watch sets for itself save, and cost (small-heap.ts).
          label: "V8's defaults",
          dbPath: workingCopy(generation.withIndexes, workDir, 'cli-v8-defaults'),
          args: stallAfter,
          nodeArgs: ['--turbofan', '--no-optimize-for-size', '--memory-reducer-gc-count=2'],
        },
        { label: 'one run (floor)', dbPath: oneRunDb(workDir), args: stallAfter },
      ],
      workDir,
      idleMs: config.cliIdleMs,
      floorPollsMs: [100, 1_000],
    });
    const naiveMs = reports[0]?.naive.cycleMs.median ?? Number.NaN;
    const archive = only === 'monitor' ? null : await archiveSection(quick, workDir);
    const alert = only === 'monitor' ? null : await benchAlerts(quick, workDir, progress);
    const dashboard = only === 'monitor' ? null : benchDashboard(quick);
    const configFile = only === 'monitor' ? null : await benchConfigFile(quick, workDir, progress);
    const cliStart =
      only === 'monitor'
        ? null
        : await benchCliStart(
            workingCopy(generation.withIndexes, workDir, 'cli-start'),
            quick,
            workDir,
            progress,
          );

    const airflow = only === 'monitor' ? null : await benchAirflow(quick, workDir, progress);
    const airflowPg = only === 'monitor' ? null : await airflowOnPostgres(quick);

    const cpus = os.cpus();
    const results: BenchResults = {
      startedAt,
      mode: config.mode,
      seconds: (performance.now() - started) / 1_000,
      machine: {
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        cpus: cpus.length,
        cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      },
      config,
      targets: TARGETS,
      generation,
      variants: reports,
      cli: { ...cli, naiveSharePercent: (naiveMs / TARGETS.naivePeriodMs) * 100 },
      archive,
    };
    fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
    fs.writeFileSync(
      RESULTS_FILE,
      `${JSON.stringify({ ...results, alert, dashboard, configFile, cliStart, airflow, airflowPg }, null, 2)}\n`,
    );
    process.stdout.write(`\n${formatReport(results, path.relative(ROOT, RESULTS_FILE))}\n`);
    if (archive) process.stdout.write(`\n${formatArchiveReport(archive)}\n`);
    if (alert) process.stdout.write(`\n${formatAlertReport(alert)}\n`);
    if (dashboard) process.stdout.write(`\n${formatDashboardReport(dashboard)}\n`);
    if (configFile) process.stdout.write(`\n${formatConfigReport(configFile)}\n`);
    if (cliStart) process.stdout.write(`\n${formatCliStartReport(cliStart)}\n`);
    if (airflow) process.stdout.write(`\n${formatAirflowReport(airflow)}\n`);
    for (const result of airflowPg ?? []) {
      process.stdout.write(`\n${formatAirflowPgReport(result)}\n`);
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

await main();

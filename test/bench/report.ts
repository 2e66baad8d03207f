/** The printed form of a benchmark run: aligned tables, targets beside the figures, and notes. */
import { formatDuration } from '../../shared/duration.ts';
import { textTable } from '../../electron/core/cli/text-table.ts';
import type { BenchResults, VariantReport } from './bench-results.ts';
import type { CliRun } from './cli-idle-bench.ts';
import { SLOW_MS, type LatencyResult } from './latency-bench.ts';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) =>
  !Number.isFinite(n)
    ? '–'
    : n < 10
      ? `${n.toFixed(2)} ms`
      : n < 100
        ? `${n.toFixed(1)} ms`
        : `${int(n)} ms`;
const us = (n: number) => (n < 10 ? `${n.toFixed(1)} µs` : `${int(n)} µs`);
const pct = (n: number | null) => (n === null ? '–' : `${n.toFixed(n < 1 ? 3 : 2)} %`);
const mb = (n: number) => `${n.toFixed(0)} MB`;
const times = (n: number) =>
  !Number.isFinite(n) ? '–' : n >= 100 ? `${int(n)}×` : `${n.toFixed(1)}×`;
const verdict = (ok: boolean) => (ok ? 'meets' : 'MISSES');

function header(r: BenchResults): string {
  const { sizes } = r.config;
  const stepRows = (sizes.activeRuns + sizes.historyRuns) * sizes.stepsPerRun;
  const g = r.generation;
  const built = g.cached ? `cached, built ${g.generatedAt}` : 'built now';
  return [
    `Runwatch benchmark (${r.mode}): ${int(sizes.activeRuns)} active runs × ${sizes.stepsPerRun} steps + ${int(sizes.historyRuns)} finished runs = ${int(stepRows)} step rows`,
    `Node ${r.machine.node} on ${r.machine.platform}, ${r.machine.cpus} × ${r.machine.cpuModel}; whole run ${formatDuration(r.seconds * 1_000)}`,
    `Databases (${built}): tables ${(g.generateMs.tables / 1_000).toFixed(1)} s, + indexes ${(g.generateMs.indexes / 1_000).toFixed(1)} s; ${mb(g.bytes.withoutIndexes / 2 ** 20)} without, ${mb(g.bytes.withIndexes / 2 ** 20)} with indexes`,
    `Tied timestamps: the database with indexes, every row's updated_at '${g.tiedStamp}' (built in ${(g.generateMs.tied / 1_000).toFixed(1)} s); its writer stamps whole seconds, as CURRENT_TIMESTAMP does`,
  ].join('\n');
}

function latencyRow(label: string, hint: string, l: LatencyResult, r: BenchResults): string[] {
  const p99 = hint === 'off' ? r.targets.latencyP99NoHintMs : r.targets.latencyP99Ms;
  const ok =
    l.latencyMs.median <= r.targets.latencyMedianMs && l.latencyMs.p99 <= p99 && l.missed === 0;
  return [
    label,
    hint,
    String(l.changes),
    ms(l.latencyMs.median),
    ms(l.latencyMs.p90),
    ms(l.latencyMs.p99),
    ms(l.latencyMs.max),
    String(l.missed),
    `${l.slow.count} (${l.slow.duringSweep}, ${l.slow.duringGc})`,
    l.sweeps.count === 0 ? '0' : `${l.sweeps.count} (${l.sweeps.cycleMs.map(ms).join(', ')})`,
    ms(l.maxBlockMs),
    verdict(ok),
  ];
}

function latencySection(r: BenchResults): string {
  const [low, high] = r.config.spacedGapMs;
  const rows = r.variants.flatMap((v) => [
    latencyRow(v.label, 'on', v.latency.hint, r),
    latencyRow(v.label, 'off', v.latency.noHint, r),
    ...(v.latency.spaced
      ? [
          latencyRow(
            `${v.label}, ${low / 1_000}–${high / 1_000} s apart`,
            'on',
            v.latency.spaced,
            r,
          ),
        ]
      : []),
  ]);
  const { gapMs } = r.config;
  return [
    `1. Detection latency, writer COMMIT → event on the bus (poll 100 ms; changes ${gapMs[0]}–${gapMs[1]} ms apart unless said; target median ≤ ${r.targets.latencyMedianMs} ms, p99 ≤ ${r.targets.latencyP99Ms} ms, ≤ ${r.targets.latencyP99NoHintMs} ms without the folder hint)`,
    textTable(
      [
        'database',
        'folder hint',
        'changes',
        'median',
        'p90',
        'p99',
        'max',
        'missed',
        `>${SLOW_MS}ms (sweep, GC)`,
        'sweeps (cycle)',
        'max main-thread block',
        'target',
      ],
      rows,
    ),
  ].join('\n');
}

function loadSection(r: BenchResults): string {
  return [
    '2. First load of the database by the in-process monitor (first start: every active run read)',
    textTable(
      ['database', 'wall', 'CPU', 'max main-thread block', 'missing indexes'],
      r.variants.map((v) => [
        v.label,
        ms(v.firstLoad.ms),
        ms(v.firstLoad.cpuMs),
        ms(v.firstLoad.maxBlockMs),
        v.missingIndexes.join(', ') || 'none',
      ]),
    ),
  ].join('\n');
}

function cycleSection(r: BenchResults): string {
  const row = (name: string, cell: (v: VariantReport) => string, target = '') => [
    name,
    ...r.variants.map(cell),
    target,
  ];
  const withIndexes = r.variants[0];
  const target = r.targets.oneChangeVsNaive;
  const rows = [
    row('idle: PRAGMA data_version, hot loop', (v) => us(v.changeCheck.dataVersionUs)),
    row('idle: file stat, hot loop', (v) => us(v.changeCheck.fileStatusUs)),
    row('idle: change check (both), hot loop', (v) => us(v.changeCheck.checkUs)),
    row('idle: change check as polled (cold)', (v) =>
      us(v.idle.coldCheckUs.dataVersion + v.idle.coldCheckUs.fileStatus),
    ),
    row('idle: monitor process CPU per check', (v) => us(v.idle.cpuPerPollUs)),
    row('idle: checks per second (polls space out)', (v) =>
      (v.idle.polls / v.idle.seconds).toFixed(2),
    ),
    row('idle: timer-only Node process per wake', (v) => us(v.idle.floor.cpuPerWakeUs)),
    row(
      'idle: monitor share of a core (floor)',
      (v) => `${pct(v.idle.cpuPercent)} (${pct(v.idle.floor.cpuPercent)})`,
      `≤ ${r.targets.idleCpuPercent} %`,
    ),
    row('one change: readChanges + readRuns', (v) => ms(v.oneChange.cycleMs.median)),
    row('  of which readChanges', (v) => ms(v.oneChange.readChangesMs.median)),
    row('  rows returned per change', (v) => v.oneChange.rowsPerChange.toFixed(0)),
    row(
      'first change after the first read',
      (v) => `${ms(v.oneChange.first.ms)} (${int(v.oneChange.first.rows)} rows)`,
    ),
    row('old change query from the tie (baseline)', (v) =>
      v.tieReread
        ? `${ms(v.tieReread.ms.median)} (${int(v.tieReread.rows)} rows${v.tieReread.truncated ? ', limit hit: + a sweep' : ''})`
        : '–',
    ),
    row('  old / readChanges per change', (v) =>
      v.tieReread ? times(v.tieReread.ms.median / v.oneChange.readChangesMs.median) : '–',
    ),
    row('one run + steps by key (readRuns)', (v) => us(v.oneChange.readOneRunUs)),
    row(
      'one change: monitor cycle CPU',
      (v) =>
        `${ms(v.latency.hint.cpu.detectCycleMedianMs)} (p90 ${ms(v.latency.hint.cpu.detectCycleP90Ms)})`,
    ),
    row('one change: monitor CPU, amortized', (v) => ms(v.latency.hint.cpu.perChangeMs)),
    row('sweep (≤ 1/min while changes flow)', (v) => {
      const { cycleMs, readMs } = v.latency.hint.sweeps;
      return cycleMs.length === 0
        ? '–'
        : `${ms(cycleMs[0] as number)} (reads ${ms(readMs[0] as number)})`;
    }),
    row('  its share of a core (cycle / 60 s)', (v) => {
      const first = v.latency.hint.sweeps.cycleMs[0];
      return first === undefined ? '–' : pct((first / 60_000) * 100);
    }),
    row(
      'naive: all active runs + steps',
      (v) => `${ms(v.naive.cycleMs.median)} (${int(v.naive.runs)} + ${int(v.naive.steps)} rows)`,
    ),
    row(
      'naive / one change (source reads)',
      (v) => times(v.ratios.naiveVsOneChangeReads),
      `≥ ${target}× with indexes: ${withIndexes ? verdict(withIndexes.ratios.naiveVsOneChangeReads >= target) : '–'}`,
    ),
    row(
      'naive / one change (monitor cycle)',
      (v) => times(v.ratios.naiveVsOneChangeCycle),
      `≥ ${target}× with indexes: ${withIndexes ? verdict(withIndexes.ratios.naiveVsOneChangeCycle >= target) : '–'}`,
    ),
    row('naive / one change (amortized)', (v) => times(v.ratios.naiveVsPerChangeAmortized)),
    row('naive / idle change check (hot)', (v) => times(v.ratios.naiveVsIdleCheck)),
    row('naive / idle poll (monitor)', (v) => times(v.ratios.naiveVsIdlePoll)),
  ];
  return [
    '3. Cost of one cycle (hot = tight loop; cold/monitor = as the running monitor pays it)',
    textTable(['', ...r.variants.map((v) => v.label), 'target'], rows),
  ].join('\n');
}

function cliSection(r: BenchResults): string {
  const { runs, floors } = r.cli;
  const { targets } = r;
  const first = runs[0];
  const row = (name: string, cell: (run: CliRun) => string, target = '') => [
    name,
    ...runs.map(cell),
    target,
  ];
  const rows = [
    row('first load (spawn → "schema ok")', (c) => ms(c.firstLoadMs)),
    row(
      'peak RSS through the first load',
      (c) => mb(c.peakAfterLoadMb),
      `≤ ${targets.peakRssMb} MB: ${first ? verdict(first.peakAfterLoadMb <= targets.peakRssMb) : '–'}`,
    ),
    row(
      'idle CPU from 10 s after start, for 20 s',
      (c) => pct(c.earlyCpuPercent),
      `≤ ${targets.idleCpuPercent} %: ${first?.earlyCpuPercent != null ? verdict(first.earlyCpuPercent <= targets.idleCpuPercent) : '–'}`,
    ),
    row(
      `idle CPU, utime+stime over ${r.cli.idleSeconds.toFixed(0)} s`,
      (c) => pct(c.cpuPercent),
      `≤ ${targets.idleCpuPercent} %: ${first ? verdict(first.cpuPercent <= targets.idleCpuPercent) : '–'}`,
    ),
    row('idle CPU, schedstat (ns resolution)', (c) => pct(c.schedCpuPercent)),
    row(
      'RSS while idle (max)',
      (c) => mb(c.rssMaxIdleMb),
      `≤ ${targets.rssMb} MB: ${first ? verdict(first.rssMaxIdleMb <= targets.rssMb) : '–'}`,
    ),
    row('peak RSS (VmHWM) at the end', (c) => mb(c.peakRssMb)),
    row(
      '  anon (malloc heap) + file-backed',
      (c) => `${mb(c.memory.anonMb)} (${mb(c.memory.mallocHeapMb)}) + ${mb(c.memory.fileMb)}`,
    ),
    row('exit code after SIGTERM', (c) => String(c.exitCode), '0 expected'),
  ];
  return [
    '4. The CLI, `runwatch watch` as child processes from the bundle as users run it, idle on the database with indexes (baselines: the TypeScript sources on the same database, and the bundle on a database of a single run)',
    textTable(['', ...runs.map((c) => c.label), 'target'], rows),
    `Same window, timer-only Node processes: ${floors
      .map(
        (f) =>
          `every ${formatDuration(f.pollMs)} ${pct(f.cpuPercent)} (${us(f.cpuPerWakeUs)} per wake)`,
      )
      .join(', ')}; ${mb(floors[0]?.rssMb ?? Number.NaN)} RSS.`,
    `The naive poller every 10 s would use ${pct(r.cli.naiveSharePercent)} of a core.`,
  ].join('\n');
}

/** Things worth a look, found in the figures: over-target blocks, sweeps, missed events, logs. */
function notes(r: BenchResults): string[] {
  const out: string[] = [];
  for (const v of r.variants) {
    const scenarios: [string, LatencyResult | null][] = [
      ['hint on', v.latency.hint],
      ['hint off', v.latency.noHint],
      ['changes far apart', v.latency.spaced],
    ];
    for (const [hint, l] of scenarios) {
      if (!l) continue;
      const where = `${v.label}, ${hint}`;
      if (l.missed > 0) out.push(`${where}: ${l.missed} change(s) produced no event`);
      for (const [type, count] of Object.entries(l.unexpected)) {
        out.push(`${where}: ${count} unexpected ${type} event(s)`);
      }
      if (l.maxBlockMs > 50) {
        const longest = Object.entries(l.calls)
          .filter(([, t]) => t.maxMs > 20)
          .sort((a, b) => b[1].maxMs - a[1].maxMs)
          .map(([name, t]) => `${name} ${ms(t.maxMs)}`)
          .join(', ');
        out.push(
          `${where}: main thread blocked up to ${ms(l.maxBlockMs)} (> 50 ms); longest calls: ${longest || 'none over 20 ms'}`,
        );
      }
      const existing = l.calls.existingRuns;
      if (existing && existing.calls > 0) {
        out.push(
          `${where}: ${existing.calls} key check(s) of every active run after a change nothing explained (${ms(existing.totalMs)} in all)`,
        );
      }
      if (l.slow.duringSweep > 0 || l.slow.duringGc > 0) {
        out.push(
          `${where}: of ${l.slow.count} changes over ${SLOW_MS} ms, ${l.slow.duringSweep} overlapped the periodic sweep and ${l.slow.duringGc} a GC pause (longest GC pauses: ${l.gcPausesMs.slice(0, 3).map(ms).join(', ') || 'none'})`,
        );
      }
    }
    for (const line of v.log) out.push(`${v.label}: monitor logged ${line}`);
  }
  for (const run of r.cli.runs) {
    const warnings = run.stderr.filter((line) => /warning|error/i.test(line));
    for (const line of warnings) out.push(`CLI (${run.label}): ${line}`);
  }
  return out;
}

export function formatReport(r: BenchResults, jsonFile: string): string {
  const observed = notes(r);
  return [
    header(r),
    '',
    latencySection(r),
    '',
    loadSection(r),
    '',
    cycleSection(r),
    '',
    cliSection(r),
    '',
    observed.length > 0
      ? `Notes:\n${observed.map((line) => `- ${line}`).join('\n')}`
      : 'Notes: none',
    '',
    `Saved ${jsonFile}`,
  ].join('\n');
}

/** The printed form of the archive benchmark: one table, targets beside the figures. */
import { formatBytes } from '../../shared/bytes.ts';
import { textTable } from '../../electron/core/cli/text-table.ts';
import type { ArchiveBenchResult } from './archive-bench.ts';
import type { CommandBenchResult, CommandPair } from './archive-command-bench.ts';
import { median } from './stats.ts';

export const ARCHIVE_TARGETS = {
  /** Info-ZIP's time over Runwatch's time to write the zip. */
  vsInfoZip: 1,
  /** `zip -r -6` + `unzip -t` over the whole `runwatch archive`, in every row. */
  commandVsInfoZip: 1,
  /** `unzip -t` over `runwatch verify` (and over the archive job's own verification). */
  verifyVsUnzip: 1,
  /** Worst p99 delay of the main event loop while an archive is written. */
  loopP99Ms: 50,
} as const;

const seconds = (ms: number) => `${(ms / 1_000).toFixed(2)} s`;
const mbps = (bytes: number, ms: number) => `${(bytes / 2 ** 20 / (ms / 1_000)).toFixed(0)} MB/s`;
const times = (n: number) => `${n.toFixed(2)}×`;
const loop = (l: { p99Ms: number; maxMs: number }) =>
  `p99 ${l.p99Ms.toFixed(1)} ms, max ${l.maxMs.toFixed(1)} ms`;

export function formatArchiveReport(r: ArchiveBenchResult): string {
  const { tree, infoZip, runwatch, plainArchiver } = r;
  const k = tree.kinds;
  const lines = [
    `Archive benchmark: ${tree.files.toLocaleString('en-US')} files, ${formatBytes(tree.bytes)} (${tree.cached ? 'cached tree' : 'generated now'}): ` +
      `text ${formatBytes(k.text.bytes)}, compressed already ${formatBytes(k.compressed.bytes)}, random ${formatBytes(k.random.bytes)}, ` +
      `${k.small.files.toLocaleString('en-US')} small files ${formatBytes(k.small.bytes)}`,
  ];
  const rows: string[][] = [];
  const vs = (ms: number) => (infoZip ? times(infoZip.ms / ms) : '–');
  if (infoZip) {
    rows.push([
      'Info-ZIP zip -r -6',
      seconds(infoZip.ms),
      mbps(tree.bytes, infoZip.ms),
      formatBytes(infoZip.zipBytes),
      '(other process)',
      '1.00×',
    ]);
  }
  rows.push([
    'Runwatch: write the zip',
    seconds(runwatch.zipMs),
    mbps(tree.bytes, runwatch.zipMs),
    formatBytes(runwatch.zipBytes),
    loop(runwatch.loop),
    vs(runwatch.zipMs),
  ]);
  rows.push([
    'Runwatch: list + write + verify',
    seconds(runwatch.ms),
    mbps(tree.bytes, runwatch.ms),
    '',
    '',
    vs(runwatch.ms),
  ]);
  rows.push([
    'archiver used plainly',
    seconds(plainArchiver.ms),
    mbps(tree.bytes, plainArchiver.ms),
    formatBytes(plainArchiver.zipBytes),
    loop(plainArchiver.loop),
    vs(plainArchiver.ms),
  ]);
  lines.push(textTable(['', 'time', 'throughput', 'zip size', 'main loop', 'vs Info-ZIP'], rows));
  const verify = [
    `Verification: Runwatch ${seconds(runwatch.verifyMs)} (${mbps(tree.bytes, runwatch.verifyMs)})`,
  ];
  if (r.unzipTestMs !== null) {
    verify.push(
      `unzip -t ${seconds(r.unzipTestMs)}: ${times(r.unzipTestMs / runwatch.verifyMs)} its speed`,
    );
  }
  lines.push(
    `${verify.join('; ')}; listing ${seconds(runwatch.listMs)}; ${runwatch.stored} files stored as they were`,
  );
  const ratio = infoZip ? infoZip.ms / runwatch.zipMs : null;
  lines.push(
    `Targets: writing ≥ ${ARCHIVE_TARGETS.vsInfoZip.toFixed(1)}× Info-ZIP's speed: ${ratio === null ? 'not measured (no zip)' : ratio >= ARCHIVE_TARGETS.vsInfoZip ? `meets (${times(ratio)})` : `MISSES (${times(ratio)})`}; ` +
      `main loop p99 ≤ ${ARCHIVE_TARGETS.loopP99Ms} ms while archiving: ${runwatch.loop.p99Ms <= ARCHIVE_TARGETS.loopP99Ms ? 'meets' : 'MISSES'} (${runwatch.loop.p99Ms.toFixed(1)} ms); ` +
      `verification ≥ ${ARCHIVE_TARGETS.verifyVsUnzip.toFixed(1)}× unzip -t: ${r.unzipTestMs === null ? 'not measured (no unzip)' : meets(r.unzipTestMs / runwatch.verifyMs, ARCHIVE_TARGETS.verifyVsUnzip)}`,
  );
  if (r.command) lines.push('', formatCommandReport(r.command));
  return lines.join('\n');
}

/** Reference time over Runwatch's, pair by pair (taken one after the other), and its median. */
function pairRatio(pairs: readonly CommandPair[]): number {
  return median(pairs.map((pair) => pair.referenceMs / pair.runwatchMs));
}

function meets(ratio: number, target: number): string {
  return ratio >= target ? `meets (${times(ratio)})` : `MISSES (${times(ratio)})`;
}

/** The whole commands as a user runs them, quiet and with every core busy. */
export function formatCommandReport(c: CommandBenchResult): string {
  const load = (l: 'quiet' | 'busy') => (l === 'quiet' ? 'quiet' : `${c.cores} cores busy`);
  const rows = c.rows.map((row) => [
    row.tree,
    load(row.load),
    seconds(median(row.pairs.map((pair) => pair.runwatchMs))),
    seconds(median(row.pairs.map((pair) => pair.referenceMs))),
    times(pairRatio(row.pairs)),
    String(row.pairs.length),
  ]);
  const verifyRows = c.verify.map((row) => [
    row.tree,
    load(row.load),
    seconds(median(row.pairs.map((pair) => pair.runwatchMs))),
    seconds(median(row.pairs.map((pair) => pair.referenceMs))),
    times(pairRatio(row.pairs)),
    String(row.pairs.length),
  ]);
  const worst = Math.min(...c.rows.map((row) => pairRatio(row.pairs)));
  const worstVerify = Math.min(...c.verify.map((row) => pairRatio(row.pairs)));
  return [
    'Whole commands, as a user runs them (medians; ratio: the median of pairs run one after the other):',
    textTable(
      ['tree', 'machine', 'node bin/runwatch.js archive', 'zip -r -6 + unzip -t', 'ratio', 'pairs'],
      rows,
    ),
    textTable(
      ['zip of', 'machine', 'node bin/runwatch.js verify', 'unzip -t', 'ratio', 'pairs'],
      verifyRows,
    ),
    `Targets: the whole archive command ≥ ${ARCHIVE_TARGETS.commandVsInfoZip.toFixed(1)}× zip + unzip -t in every row: ${meets(worst, ARCHIVE_TARGETS.commandVsInfoZip)} at worst; ` +
      `runwatch verify ≥ ${ARCHIVE_TARGETS.verifyVsUnzip.toFixed(1)}× unzip -t: ${meets(worstVerify, ARCHIVE_TARGETS.verifyVsUnzip)} at worst`,
  ].join('\n');
}

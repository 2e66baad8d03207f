/** The printed form of the command line's start-up benchmark. */
import { textTable } from '../../electron/core/cli/text-table.ts';
import type { CliStartResult } from './cli-start-bench.ts';

const ms = (value: number) => `${value.toFixed(0)} ms`;

export function formatCliStartReport(result: CliStartResult): string {
  const rows: string[][] = [];
  for (const row of result.rows) {
    const baseline = row.variants.find((variant) => variant.label.startsWith('sources'));
    for (const variant of row.variants) {
      rows.push([
        row.command,
        variant.label,
        String(variant.ms.count),
        ms(variant.ms.median),
        ms(variant.ms.p90),
        `${variant.peakRssMb.toFixed(1)} MB`,
        baseline ? `${(baseline.ms.median / variant.ms.median).toFixed(2)}×` : '',
        variant.exitCodes.join(','),
      ]);
    }
  }
  return [
    'Command line start-up (the variants run in turns; baseline: the sources on type stripping)',
    textTable(
      ['COMMAND', 'RUN FROM', 'RUNS', 'MEDIAN', 'P90', 'PEAK RSS', 'SPEED VS SOURCES', 'EXIT'],
      rows,
    ),
  ].join('\n');
}

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { DashboardBenchResult } from './dashboard-result.ts';

const SCRIPT = path.resolve(import.meta.dirname, '../browser/dashboard-bench.ts');

/**
 * Runs the dashboard benchmark in a process of its own (it drives Chromium and `runwatch serve`)
 * and reads the figures it prints.
 */
export function benchDashboard(quick: boolean): DashboardBenchResult {
  const result = spawnSync(process.execPath, [SCRIPT, ...(quick ? ['--quick'] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`the dashboard benchmark failed (${result.status})`);
  return JSON.parse(result.stdout) as DashboardBenchResult;
}

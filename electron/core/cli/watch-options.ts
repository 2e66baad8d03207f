import type { Command } from 'commander';
import { durationArg, positiveNumberArg } from './cli-options.ts';

/** What `watch` and `serve` share: `serve` is a watch whose output is the dashboard. */
export function withWatchOptions(command: Command): Command {
  return command
    .option('--db <file>', 'the orchestration database (SQLite)')
    .option('--data-dir <dir>', 'where state, archives and reports go (default: per database)')
    .option(
      '--config <file>',
      'alerts and monitoring settings (default: the shipped config/alerts.yaml)',
    )
    .option('--poll <duration>', 'how often to check for changes', durationArg)
    .option(
      '--stall-after <duration>',
      'idle time after which a running run is stalled',
      durationArg,
    )
    .option('--backfill', 'on the first start, also report runs that already finished')
    .option('--demo', 'run the demo pipeline into <data-dir>/demo/orchestration.db and watch it')
    .option('--no-archive', "write each finished run's report, but no zip of its artifacts")
    .option(
      '--archive-keep-days <n>',
      'delete archives older than N days (never one younger than a day)',
      positiveNumberArg,
    )
    .option(
      '--archive-max-gb <n>',
      'delete the oldest archives while they take more than N GB (never one younger than a day)',
      positiveNumberArg,
    )
    .option('--verbose', 'log more on stderr');
}

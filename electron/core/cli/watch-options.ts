import path from 'node:path';
import type { Command } from 'commander';
import { BUILTIN_SCHEMAS } from '../../../shared/builtin-schemas.ts';
import { NO_ARTIFACT_RULES, type ArtifactRules } from '../archive/artifact-policy.ts';
import { countArg, durationArg, positiveNumberArg, repeatedArg } from './cli-options.ts';

/** Where artifacts may be archived from and how much: `watch`, `serve` and `archive` take them. */
export function withArtifactOptions(command: Command): Command {
  return command
    .option(
      '--artifact-root <dir>',
      "also archive artifacts folders under DIR (repeatable); the database's folder always is",
      repeatedArg,
    )
    .option(
      '--archive-max-files-per-run <n>',
      'refuse to archive an artifacts folder of more than N files (default 100000)',
      countArg,
    )
    .option(
      '--archive-max-gb-per-run <n>',
      'refuse to archive an artifacts folder of more than N GB (default 50)',
      positiveNumberArg,
    );
}

export interface ArtifactOptions {
  artifactRoot?: string[];
  archiveMaxFilesPerRun?: number;
  archiveMaxGbPerRun?: number;
}

/** The rules in force: the flags' roots added to the settings', a flag's cap beating theirs. */
export function artifactRulesOf(
  options: ArtifactOptions,
  fromSettings: ArtifactRules = NO_ARTIFACT_RULES,
): ArtifactRules {
  const gb = options.archiveMaxGbPerRun;
  return {
    roots: [
      ...fromSettings.roots,
      ...(options.artifactRoot ?? []).map((root) => path.resolve(root)),
    ],
    maxFiles: options.archiveMaxFilesPerRun ?? fromSettings.maxFiles,
    maxBytes: gb === undefined ? fromSettings.maxBytes : gb * 1024 ** 3,
  };
}

/** What `watch` and `serve` share: `serve` is a watch whose output is the dashboard. */
export function withWatchOptions(command: Command): Command {
  return withArtifactOptions(
    command
      .option('--db <file>', 'the orchestration database (SQLite)')
      .option(
        '--schema <name|file>',
        `its schema: ${BUILTIN_SCHEMAS.join(', ')} or a mapping file (default: recognised)`,
      )
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
      ),
  ).option('--verbose', 'log more on stderr');
}

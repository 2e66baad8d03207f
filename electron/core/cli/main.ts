import fs from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { BUILTIN_SCHEMAS } from '../../../shared/builtin-schemas.ts';
import { DEFAULT_HOST, DEFAULT_PORT } from '../serve/serve-defaults.ts';
import { EXIT_INPUT, EXIT_OK, EXIT_USAGE, InputError, UsageError } from './cli-errors.ts';
import { portArg, positiveIntArg, positiveNumberArg } from './cli-options.ts';
import { withArtifactOptions, withWatchOptions } from './watch-options.ts';

const EXAMPLES = `
Examples:
  runwatch demo --db /tmp/o.db &                      simulate a pipeline
  runwatch watch --db /tmp/o.db --json --stall-after 20s
  runwatch status --db /tmp/o.db
  runwatch ack --db /tmp/o.db --all
  runwatch archive --db /tmp/o.db --run etl-daily-0001
  runwatch verify ~/.local/share/runwatch/sources/o-1a2b3c4d/archive/etl-daily-0001.zip
  runwatch check-config config/alerts.yaml
  runwatch test-alert --channel slack
  runwatch route --db /tmp/o.db --event '{"type":"run_completed","outcome":"failed","run_id":"r1"}'
  runwatch alerts --db /tmp/o.db --limit 20
  runwatch serve --demo --port 0                      the dashboard in a browser`;

function requireOneSource(options: { demo?: boolean; db?: string }): void {
  if (options.demo && options.db) throw new UsageError('give --db or --demo, not both');
  if (!options.demo && !options.db) throw new UsageError('--db FILE is required (or --demo)');
}

/** The version in package.json, found beside the sources and beside the bundle alike. */
function version(): string {
  const file = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

function buildProgram(run: (result: Promise<number> | number) => void): Command {
  const program = new Command('runwatch')
    .description('Watches a pipeline database and tells you when a run finishes, fails or stalls.')
    .version(version(), '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXAMPLES)
    .exitOverride();

  withWatchOptions(
    program
      .command('watch')
      .description(
        'watch a database: report runs started, finished, failed, stalled (logs on stderr)',
      ),
  )
    .option('--json', 'print events as NDJSON on stdout')
    .option('--once', 'read once, report, and exit (1 if the database could not be read)')
    .action((options) => {
      requireOneSource(options);
      run(import('./watch-command.ts').then((m) => m.watchCommand(options)));
    });

  withWatchOptions(
    program
      .command('serve')
      .description(
        'watch a database and serve the dashboard to a browser; prints the URL to open (with its token)',
      ),
  )
    .option('--port <n>', 'the port to listen on (0: any free port)', portArg, DEFAULT_PORT)
    .option(
      '--host <address>',
      'the address to listen on; anything but loopback is reachable by others',
      DEFAULT_HOST,
    )
    .action((options) => {
      requireOneSource(options);
      const listen = { host: options.host, port: options.port };
      run(import('./watch-command.ts').then((m) => m.watchCommand(options, listen)));
    });

  program
    .command('demo')
    .description(
      "create a schema (the default one, or an orchestrator's) and simulate a pipeline writing runs into it",
    )
    .requiredOption('--db <file>', 'the database to create or continue')
    .addOption(
      new Option('--schema <name>', 'whose tables to write')
        .choices(BUILTIN_SCHEMAS)
        .default('runwatch'),
    )
    .addOption(
      new Option('--runs <n>', 'runs to start; 0 for no end').argParser(positiveIntArg).default(12),
    )
    .addOption(
      new Option('--speed <x>', 'time factor; 10 runs ten times faster')
        .argParser(positiveNumberArg)
        .default(1),
    )
    .action((options) => run(import('./demo-command.ts').then((m) => m.demoCommand(options))));

  program
    .command('status')
    .description('active, stalled and overdue runs, and what needs attention')
    .requiredOption('--db <file>', 'the orchestration database')
    .option('--schema <name|file>', 'its schema (default: recognised from its tables)')
    .option('--data-dir <dir>', 'the data dir of its watch (default: per database)')
    .option('--config <file>', 'monitoring settings (default: the shipped config/alerts.yaml)')
    .option('--json', 'print JSON')
    .action((options) => run(import('./status-command.ts').then((m) => m.statusCommand(options))));

  program
    .command('ack')
    .description('acknowledge what needs attention: a run, a pipeline, or everything')
    .requiredOption('--db <file>', 'the orchestration database')
    .option('--run <id>', 'a run')
    .option('--pipeline <name>', 'every item of a pipeline')
    .option('--all', 'everything')
    .option('--data-dir <dir>', 'the data dir of its watch (default: per database)')
    .action((options) => run(import('./ack-command.ts').then((m) => m.ackCommand(options))));

  withArtifactOptions(
    program
      .command('archive')
      .description("(re)archive one finished run's artifacts now, and write its report")
      .requiredOption('--db <file>', 'the orchestration database')
      .requiredOption('--run <id>', 'the run')
      .option('--schema <name|file>', 'its schema (default: recognised from its tables)')
      .option('--data-dir <dir>', 'the data dir of its watch (default: per database)'),
  )
    .option('--verbose', 'log more on stderr')
    .action((options) =>
      run(import('./archive-command.ts').then((m) => m.archiveCommand(options))),
    );

  program
    .command('verify')
    .description(
      're-check a zip: every entry read back, CRC-32 and sizes (exit 1 names the first bad one)',
    )
    .argument('<file.zip>', 'the zip')
    .action((file: string) =>
      run(import('./verify-command.ts').then((m) => m.verifyCommand(file))),
    );

  program
    .command('check-config')
    .description(
      'validate a config file: every problem as file:line:col: message (exit 1); else a summary, and warnings for inactive channels and rules they leave without one',
    )
    .argument('<file>', 'the config file, e.g. config/alerts.yaml, or a mapping file (--schema)')
    .option('--db <file>', 'for a mapping file: check it against this database too')
    .action((file: string, options: { db?: string }) =>
      run(import('./check-config-command.ts').then((m) => m.checkConfigCommand(file, options))),
    );

  program
    .command('test-alert')
    .description(
      'send a test message now to every active channel, or one; prints ok and latency or the error per channel (exit 1 if any failed)',
    )
    .option('--config <file>', 'the channels (default: the shipped config/alerts.yaml)')
    .option('--channel <name>', 'only this channel')
    .action((options) =>
      run(import('./test-alert-command.ts').then((m) => m.testAlertCommand(options))),
    );

  program
    .command('route')
    .description(
      "dry run of the alert rules for one event: which rules match, their dedup key and state, and each channel's verdict now",
    )
    .requiredOption(
      '--event <json>',
      'the event as JSON, e.g. \'{"type":"run_completed","outcome":"failed","run_id":"r1"}\'',
    )
    .option('--config <file>', 'the rules (default: the shipped config/alerts.yaml)')
    .option('--db <file>', "use the state of this database's watch (read-only)")
    .option('--data-dir <dir>', 'use the state in this data dir (read-only)')
    .option('--json', 'print JSON')
    .action((options) => run(import('./route-command.ts').then((m) => m.routeCommand(options))));

  program
    .command('alerts')
    .description(
      'alert history from state.db (read-only): firing alerts, transitions, deliveries with every attempt, failing channels',
    )
    .option('--db <file>', 'the orchestration database (its data dir is found as status finds it)')
    .option('--data-dir <dir>', 'the data dir of its watch')
    .option('--json', 'print JSON')
    .addOption(
      new Option('--limit <n>', 'latest transitions and deliveries shown; 0 for all')
        .argParser(positiveIntArg)
        .default(50),
    )
    .action((options) => run(import('./alerts-command.ts').then((m) => m.alertsCommand(options))));

  return program;
}

/**
 * The exit code for what a command threw, with its message. The errors other than the CLI's own
 * are loaded only here, so that a command loads only what it uses.
 */
async function report(error: unknown): Promise<number> {
  if (error instanceof CommanderError) {
    return error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
      ? EXIT_OK
      : EXIT_USAGE;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`runwatch: ${error.message}\n(run with --help for usage)\n`);
    return EXIT_USAGE;
  }
  const [{ ConfigError }, { ForeignDatabaseError }, { DataDirBusyError }, { StateSchemaError }] =
    await Promise.all([
      import('../config/yaml-validate.ts'),
      import('../demo/demo-pipeline.ts'),
      import('../store/data-dir-lock.ts'),
      import('../store/state-schema.ts'),
    ]);
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    return EXIT_INPUT;
  }
  if (
    error instanceof InputError ||
    error instanceof DataDirBusyError ||
    error instanceof StateSchemaError ||
    error instanceof ForeignDatabaseError
  ) {
    process.stderr.write(`runwatch: ${error.message}\n`);
    return EXIT_INPUT;
  }
  process.stderr.write(
    `runwatch: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT_INPUT;
}

/** Runs the CLI and resolves with its exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let pending: Promise<number> | number = EXIT_OK;
  const program = buildProgram((result) => {
    pending = result;
  });
  try {
    await program.parseAsync([...argv]);
    return await pending;
  } catch (error) {
    return await report(error);
  }
}

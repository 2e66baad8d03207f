import { DemoPipeline, type DemoSchema } from '../demo/demo-pipeline.ts';
import { streamLogger } from '../log.ts';
import { EXIT_OK } from './cli-errors.ts';
import { whenNpmParentGone } from './stop-request.ts';

export interface DemoCommandOptions {
  db: string;
  schema: DemoSchema;
  runs: number;
  speed: number;
}

/**
 * Creates the schema (the default one, or an orchestrator's own) and simulates a pipeline
 * writing into it until its runs are done.
 */
export async function demoCommand(options: DemoCommandOptions): Promise<number> {
  const log = streamLogger((line) => process.stderr.write(line), { prefix: '' });
  const demo = new DemoPipeline({
    dbPath: options.db,
    schema: options.schema,
    runs: options.runs,
    speed: options.speed,
    log,
  });
  const stop = () => demo.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  whenNpmParentGone(stop);
  log.info(
    `demo: writing ${options.runs === 0 ? 'runs without end' : `${options.runs} runs`} to ${options.db} (${options.schema} schema) at ${options.speed}× speed`,
  );
  await demo.run();
  log.info('demo: done');
  return EXIT_OK;
}

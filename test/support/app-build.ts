import { createBuilder, type EnvironmentOptions } from 'vite';
import { bundledFileUrls } from '../../vite.app.config.ts';
import { ROOT } from './processes.ts';

/** Builds one environment of the app's Vite config, as `npm run build:app` does. */
export async function buildAppEnvironment(
  name: string,
  environment: EnvironmentOptions,
): Promise<void> {
  const builder = await createBuilder({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    plugins: [bundledFileUrls()],
    environments: { [name]: environment },
    builder: {},
  });
  const target = builder.environments[name];
  if (!target) throw new Error(`no environment ${name}`);
  await builder.build(target);
}

/**
 * Builds every environment of a Vite config, as `vite build -c FILE` does. Vite's `build()`
 * builds only the first one: the app's preload, or a config's only environment but the default
 * client, would be left out.
 */
import { createBuilder } from 'vite';

export async function viteBuild(configFile: string): Promise<void> {
  const builder = await createBuilder({ configFile, logLevel: 'warn' });
  await builder.buildApp();
}

/**
 * `node --import` this file to run the bundled main process under plain Node: the bare
 * specifier `electron` then loads fake-electron-main.ts instead of the real module.
 */
import { registerHooks } from 'node:module';

const FAKE = new URL('./fake-electron-main.ts', import.meta.url).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'electron')
      return { url: FAKE, format: 'module-typescript', shortCircuit: true };
    return nextResolve(specifier, context);
  },
});

/**
 * Bundles the desktop app (`npm run build:app`):
 * - `electron/app/main.ts` → `dist/app/main.js`, an ES module; Electron, Node's modules and every
 *   dependency stay outside it, loaded from node_modules as the CLI loads them. The worker
 *   threads core starts (`new URL('./archive-worker.ts', import.meta.url)`) become entries of
 *   their own beside it, and every other file core finds next to its sources (the shipped
 *   alerts.yaml, the UI folders) is found at the same place relative to the bundle.
 * - `electron/app/preload.ts` → `dist/app/preload.cjs`, one CommonJS file whose only `require`
 *   is `electron`: a sandboxed preload can load neither ES modules nor other files.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import { defineConfig, normalizePath, type EnvironmentOptions, type Plugin } from 'vite';

const ROOT = import.meta.dirname;
/** The root as module ids spell it: with forward slashes on every OS. */
const ROOT_ID = `${normalizePath(ROOT)}/`;
const OUT_DIR = path.join(ROOT, 'dist', 'app');

/** Stands for the repository root in a chunk until the chunk's place in the output is known. */
const ROOT_MARK = '__runwatch_root__/';
const FILE_URL = /new URL\(\s*(['"])([^'"\n]+)\1\s*,\s*import\.meta\.url\s*\)/g;

const posix = (file: string) => file.split(path.sep).join('/');

/**
 * Core locates files relative to its own sources with `new URL('…', import.meta.url)`, which a
 * bundle would resolve relative to itself. A module found that way (a worker thread) is emitted
 * as an entry of its own and referred to by its bundled name; any other file is referred to
 * through the repository root, which the packaged app keeps the layout of (`dist/`, `config/`).
 */
export function bundledFileUrls(): Plugin {
  return {
    name: 'runwatch:bundled-file-urls',
    enforce: 'pre',
    transform(code, id) {
      if (id.includes('/node_modules/') || !id.startsWith(ROOT_ID)) return null;
      if (!code.includes('import.meta.url')) return null;
      return code.replace(FILE_URL, (_match, _quote: string, literal: string) => {
        const target = path.resolve(path.dirname(id), literal);
        const fromRoot = posix(path.relative(ROOT, target));
        if (fromRoot.startsWith('../') || path.isAbsolute(fromRoot)) {
          this.error(`${id}: ${literal} lies outside the repository`);
        }
        if (/\.ts$/.test(target)) {
          const reference = this.emitFile({
            type: 'chunk',
            id: target,
            fileName: path.basename(target).replace(/\.ts$/, '.js'),
          });
          return `new URL(import.meta.ROLLUP_FILE_URL_${reference})`;
        }
        const trailing = literal.endsWith('/') ? '/' : '';
        return `new URL(${JSON.stringify(`${ROOT_MARK}${fromRoot}${trailing}`)}, import.meta.url)`;
      });
    },
    // Vite would write an emitted file's URL for a web server; Node finds it beside the chunk.
    resolveFileUrl({ relativePath }) {
      return `new URL(${JSON.stringify(relativePath)}, import.meta.url).href`;
    },
    renderChunk(code, chunk, options) {
      if (!code.includes(ROOT_MARK)) return null;
      const chunkDir = path.dirname(path.join(options.dir ?? OUT_DIR, chunk.fileName));
      const up = posix(path.relative(chunkDir, ROOT));
      return code.replaceAll(ROOT_MARK, up === '' ? './' : `${up}/`);
    },
  };
}

const NODE = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/**
 * The main process: its entry, the workers added by the plugin, shared code in chunks. `input`
 * other than the app's own entry is for tests of the bundling.
 */
export function mainEnvironment(
  outDir = OUT_DIR,
  input: Record<string, string> = { main: path.join(ROOT, 'electron/app/main.ts') },
): EnvironmentOptions {
  return {
    consumer: 'server',
    build: {
      outDir,
      emptyOutDir: true,
      target: 'node22',
      // Not minified, so stack traces read as they are without source maps (which the package
      // would leave out anyway).
      minify: false,
      sourcemap: false,
      rollupOptions: {
        input,
        // Everything that is not the project's own code: Electron, Node, node_modules.
        external: (id) => !id.startsWith('.') && !path.isAbsolute(id) && !id.startsWith('\0'),
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
        },
      },
    },
  };
}

/** The preload: one CommonJS file, everything bundled in but `electron`. */
export function preloadEnvironment(outDir = OUT_DIR): EnvironmentOptions {
  return {
    consumer: 'server',
    resolve: { noExternal: true, external: ['electron'] },
    build: {
      outDir,
      emptyOutDir: false,
      target: 'node22',
      minify: false,
      sourcemap: false,
      rollupOptions: {
        input: { preload: path.join(ROOT, 'electron/app/preload.ts') },
        external: ['electron', ...NODE],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  };
}

export default defineConfig({
  root: ROOT,
  logLevel: 'warn',
  plugins: [bundledFileUrls()],
  environments: { main: mainEnvironment(), preload: preloadEnvironment() },
  builder: {
    // The preload last: the main build empties the folder they share.
    async buildApp(builder) {
      for (const name of ['main', 'preload']) {
        const environment = builder.environments[name];
        if (environment) await builder.build(environment);
      }
    },
  },
});

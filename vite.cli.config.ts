/**
 * Bundles the command line (`npm run build:cli`; `npm install` and the tests run it too):
 * `electron/core/cli/run-cli.ts` → `dist/cli/runwatch.js`, an ES module, with the worker
 * threads core starts as entries of their own beside it (as in the app's bundle) and every
 * dependency inside it but two: better-sqlite3, a native module, and node-notifier, which runs
 * the binaries it ships. Node then neither strips types nor resolves hundreds of files at start.
 *
 * Beside the bundle, `inputs.json` lists every file it was built from (the project's files, the
 * package.json of each dependency bundled, these configs) with its size and modification time:
 * `bin/runwatch.js` runs the sources instead of a bundle that a later edit has made stale. The
 * bundle is written to a folder of its own and then takes the place of the last one, so a
 * `runwatch` started meanwhile finds either the old bundle or the new one, never half of one.
 */
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { defineConfig, normalizePath, type EnvironmentOptions, type Plugin } from 'vite';
import { bundledFileUrls } from './vite.app.config.ts';

const ROOT = import.meta.dirname;
const ROOT_ID = `${normalizePath(ROOT)}/`;
const OUT_DIR = path.join(ROOT, 'dist', 'cli');
/** Where the bundle is written before it takes the place of the last one. */
const STAGING_DIR = path.join(ROOT, 'dist', `.cli-building-${process.pid}`);
const INPUTS_FILE = 'inputs.json';
/** Found or run beside the bundle, never inside it. */
const KEPT_OUT = ['better-sqlite3', 'node-notifier'];
const NODE = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
/** How the bundle is made: a change to either makes it stale too. */
const CONFIGS = ['vite.cli.config.ts', 'vite.app.config.ts'];

/** What `inputs.json` holds: each input's size and mtime (ms), by path from the root. */
interface BundleInputs {
  files: Record<string, [size: number, mtimeMs: number]>;
}

/** The package folder a file in node_modules belongs to (`…/node_modules/@scope/name`). */
function packageDir(id: string): string {
  const at = id.lastIndexOf('/node_modules/') + '/node_modules/'.length;
  const parts = id.slice(at).split('/');
  const name = parts[0]?.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1);
  return id.slice(0, at) + name.join('/');
}

/**
 * Records each input's size and mtime as it is read (not after the build, when an edit made
 * meanwhile would pass for built), writes `inputs.json` once every other file is written (a
 * bundle without it is an unfinished one, which `bin/runwatch.js` does not run), and then moves
 * the bundle from its staging folder to dist/cli.
 */
function recordInputs(): Plugin {
  const inputs = new Map<string, [number, number]>();
  const record = (file: string) => {
    const relative = path.relative(ROOT, file).split(path.sep).join('/');
    if (inputs.has(relative) || relative.startsWith('../')) return;
    const stat = fs.statSync(file);
    inputs.set(relative, [stat.size, stat.mtimeMs]);
  };
  return {
    name: 'runwatch:record-inputs',
    enforce: 'pre',
    buildStart() {
      inputs.clear();
      for (const config of CONFIGS) record(path.join(ROOT, config));
    },
    transform(_code, id) {
      if (id.startsWith('\0') || !id.startsWith(ROOT_ID)) return null;
      const file = id.split('?')[0] as string;
      record(file.includes('/node_modules/') ? `${packageDir(file)}/package.json` : file);
      return null;
    },
    // After every other file of the bundle is written.
    writeBundle(options) {
      const sorted = Object.fromEntries([...inputs].sort(([a], [b]) => a.localeCompare(b)));
      const content: BundleInputs = { files: sorted };
      const staging = options.dir ?? STAGING_DIR;
      fs.writeFileSync(path.join(staging, INPUTS_FILE), `${JSON.stringify(content)}\n`);
      fs.rmSync(OUT_DIR, { recursive: true, force: true });
      fs.renameSync(staging, OUT_DIR);
    },
  };
}

/**
 * Characters outside Latin-1 written as `\uXXXX` escapes. V8 keeps a module's source for as long
 * as the process lives, in two bytes per character when any is outside Latin-1: one `…` in a
 * message doubled the memory of its whole chunk. The escapes mean the same in strings, templates, regular
 * expressions, identifiers and comments; no bundled code reads a template's raw text, and a
 * character escaped with a backslash stops the build rather than change meaning.
 */
function asciiOutput(): Plugin {
  return {
    name: 'runwatch:ascii-output',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        // `\é` would become `\\u00e9`, a backslash and text: such code is left to a person.
        if (/\\[\u0100-\uffff]/.test(file.code)) {
          this.error(`${file.fileName}: a backslash before a character outside Latin-1`);
        }
        file.code = file.code.replace(
          /[\u0100-\uffff]/g,
          (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
        );
      }
    },
  };
}

/**
 * The command line's environment, written to a staging folder beside dist/cli (at the same depth,
 * so that paths from the bundle to the repository hold in both) that `recordInputs` moves.
 */
function cliEnvironment(): EnvironmentOptions {
  return {
    consumer: 'server',
    resolve: { noExternal: true, external: KEPT_OUT },
    build: {
      outDir: STAGING_DIR,
      emptyOutDir: true,
      target: 'node22',
      // Not minified, so stack traces read as they are without source maps.
      minify: false,
      sourcemap: false,
      rollupOptions: {
        input: { runwatch: path.join(ROOT, 'electron/core/cli/run-cli.ts') },
        external: [...NODE, ...KEPT_OUT],
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
        },
      },
    },
  };
}

export default defineConfig({
  root: ROOT,
  logLevel: 'warn',
  plugins: [bundledFileUrls(), asciiOutput(), recordInputs()],
  environments: { cli: cliEnvironment() },
  builder: {
    async buildApp(builder) {
      const cli = builder.environments.cli;
      if (cli) await builder.build(cli);
    },
  },
});

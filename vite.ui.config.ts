/**
 * Bundles the dashboard (`npm run build:ui`): renderer/ → dist/renderer/, what `runwatch serve`
 * serves and the app loads from its own origin. Relative asset paths suit both, and nothing
 * inline, so the pages' strict CSP (`script-src 'self'`, `style-src 'self'`) holds.
 */
import path from 'node:path';
import { defineConfig, type HtmlTagDescriptor, type Plugin } from 'vite';

const ROOT = import.meta.dirname;

/**
 * The page's small entry asks for the first snapshot, then imports the dashboard (Preact and the
 * views). This has the page fetch and compile the dashboard's chunks and styles at once,
 * alongside the entry, instead of only once the entry has run.
 */
function preloadDashboard(entry: string): Plugin {
  return {
    name: 'runwatch-preload-dashboard',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        const bundle = context.bundle ?? {};
        const chunks = Object.values(bundle).flatMap((output) =>
          output.type === 'chunk' ? [output] : [],
        );
        const root = chunks.find((chunk) => chunk.facadeModuleId?.endsWith(entry));
        if (!root) throw new Error(`no chunk for ${entry}`);
        const files = new Set<string>();
        const styles = new Set<string>();
        const visit = (fileName: string) => {
          const chunk = chunks.find((candidate) => candidate.fileName === fileName);
          if (!chunk || files.has(fileName)) return;
          files.add(fileName);
          for (const css of chunk.viteMetadata?.importedCss ?? []) styles.add(css);
          for (const imported of chunk.imports) visit(imported);
        };
        visit(root.fileName);
        const missing = (file: string) => !html.includes(`./${file}"`);
        const tags: HtmlTagDescriptor[] = [
          ...[...files].filter(missing).map((file) => ({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` },
            injectTo: 'head' as const,
          })),
          ...[...styles].filter(missing).map((file) => ({
            tag: 'link',
            attrs: { rel: 'stylesheet', crossorigin: true, href: `./${file}` },
            injectTo: 'head' as const,
          })),
        ];
        return tags;
      },
    },
  };
}

export default defineConfig({
  root: path.join(ROOT, 'renderer'),
  base: './',
  // The dashboard is written against React's API and runs on Preact's implementation of it
  // (preact/compat): 24 KB to parse and run before the first screen where React took 219 KB,
  // which drew 10,000 runs' first screen ~60 ms sooner in the benchmark (ARCHITECTURE.md).
  resolve: {
    alias: [
      { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
      { find: /^react\/jsx-(dev-)?runtime$/, replacement: 'preact/jsx-runtime' },
      { find: /^react(-dom)?$/, replacement: 'preact/compat' },
    ],
  },
  plugins: [preloadDashboard('/renderer/src/app/mount.tsx')],
  build: {
    outDir: path.join(ROOT, 'dist', 'renderer'),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2023',
    rollupOptions: {
      output: {
        // Preact in a file of its own: the entry then needs no other file to run, and the views
        // share it instead of each split-off piece of shared code being a file to fetch.
        manualChunks(id: string) {
          return /node_modules\/preact\//.test(id) ? 'preact' : undefined;
        },
      },
    },
  },
  logLevel: 'warn',
});

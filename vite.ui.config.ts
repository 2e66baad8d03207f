/**
 * Bundles the dashboard (`npm run build:ui`): renderer/ → dist/renderer/, what `runwatch serve`
 * serves and the app loads from its own origin. Relative asset paths suit both, and nothing
 * inline, so the pages' strict CSP (`script-src 'self'`, `style-src 'self'`) holds.
 */
import path from 'node:path';
import { defineConfig } from 'vite';

const ROOT = import.meta.dirname;

export default defineConfig({
  root: path.join(ROOT, 'renderer'),
  base: './',
  build: {
    outDir: path.join(ROOT, 'dist', 'renderer'),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2023',
  },
  logLevel: 'warn',
});

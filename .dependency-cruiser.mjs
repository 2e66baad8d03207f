/**
 * The cycle check of `npm test` (dependency-cruiser): no import cycle between files, and core's
 * folders in the order of core-layers.js (ARCHITECTURE.md §1), so no cycle between folders either.
 * Unlike lint it also sees dynamic `import()`; type-only imports count, as they are the layering.
 */
import { CORE_LAYERS } from './core-layers.js';

const CORE = '^electron/core/';
const anyOf = (folders) => `(${folders.join('|')})`;

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Files that import each other, directly or round a loop: move what both need lower.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-stands-alone',
      severity: 'error',
      comment: 'shared/ is used by both sides and imports neither.',
      from: { path: '^shared/' },
      to: { path: '^(electron|renderer)/' },
    },
    {
      name: 'core-root-files',
      severity: 'error',
      comment: "The files at core's root (log.ts, small-heap.ts) import no folder of core.",
      from: { path: `${CORE}[^/]+$` },
      to: { path: `${CORE}[^/]+/` },
    },
    ...CORE_LAYERS.map((folders, index) => ({
      name: 'core-layers',
      severity: 'error',
      comment: `${folders.join(', ')}: import only lower layers of core (core-layers.js).`,
      from: { path: `${CORE}${anyOf(folders)}/` },
      // $1 is the importing folder: a folder's imports of its own files are allowed.
      to: { path: `${CORE}${anyOf(CORE_LAYERS.slice(index).flat())}/`, pathNot: `${CORE}$1/` },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Read the TypeScript itself, not what it compiles to: there `import type` would be gone.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
    skipAnalysisNotInRules: true,
  },
};

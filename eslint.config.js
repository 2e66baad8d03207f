import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { builtinModules } from 'node:module';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * The layers of ARCHITECTURE.md §1, enforced the way VS Code enforces its own: each folder may import
 * only what its layer allows.
 */
const layer = (files, patterns, paths = []) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});

const electronModule = {
  name: 'electron',
  message: 'Only electron/app/ imports electron; core takes Electron objects through interfaces.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'release/', 'coverage/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-warning-comments': ['error', { terms: ['todo', 'fixme', 'xxx'], location: 'start' }],
    },
  },
  layer(
    ['shared/**'],
    [
      {
        group: ['**/electron/**', '**/renderer/**'],
        message: 'shared/ imports nothing from electron/ or renderer/.',
      },
      {
        group: ['node:*', ...builtinModules],
        message: 'shared/ is used by the renderer too: no Node modules.',
      },
    ],
    [electronModule],
  ),
  layer(
    ['electron/core/**'],
    [
      {
        group: ['**/app/**', '**/renderer/**'],
        message: 'electron/core/ runs under plain Node: no app or renderer code.',
      },
    ],
    [electronModule],
  ),
  layer(
    ['renderer/**'],
    [
      {
        group: ['**/electron/**'],
        message: 'renderer/ talks to the main side only through the API in shared/.',
      },
      {
        group: ['node:*', ...builtinModules],
        message: 'renderer/ runs in a sandboxed page: no Node modules.',
      },
    ],
    [electronModule],
  ),
  {
    // The dashboard: the rules of hooks, and the browser's globals.
    files: ['renderer/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
    languageOptions: { globals: { ...globals.browser } },
  },
  layer(
    ['test/**'],
    [],
    [{ ...electronModule, message: 'Tests never load the real electron module: pass fakes.' }],
  ),
);

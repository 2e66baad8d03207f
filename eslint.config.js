import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { builtinModules } from 'node:module';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import { CORE_LAYERS } from './core-layers.js';

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

/** What all of electron/core/ keeps to; a folder's own rule below repeats it, as it replaces it. */
const coreLayer = (files, patterns = []) =>
  layer(
    files,
    [
      {
        group: ['**/app/**', '**/renderer/**'],
        message: 'electron/core/ runs under plain Node: no app or renderer code.',
      },
      ...patterns,
    ],
    [electronModule],
  );

/** Core's folders import only those of lower layers (core-layers.js, ARCHITECTURE.md §1). */
const coreInnerLayers = CORE_LAYERS.flatMap((folders, index) => {
  const lower = CORE_LAYERS.slice(0, index).flat();
  const notBelow = CORE_LAYERS.slice(index).flat();
  return folders.map((folder) => {
    const denied = notBelow.filter((other) => other !== folder);
    const allowed = lower.length > 0 ? `only ${lower.join(', ')}` : 'no folder';
    // The top layer has nothing above it; the rule takes no empty group.
    return coreLayer(
      [`electron/core/${folder}/**`],
      denied.length === 0
        ? []
        : [
            {
              group: denied.map((other) => `**/${other}/**`),
              message: `core layers: ${folder}/ imports ${allowed} of core (core-layers.js).`,
            },
          ],
    );
  });
});

/** `no-restricted-imports` sees only static imports; a dynamic one would load Electron as well. */
const noDynamicElectron = {
  selector: "ImportExpression[source.value='electron']",
  message: 'Only electron/app/ loads electron, dynamically or not.',
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
  coreLayer(
    ['electron/core/*.ts'],
    [
      {
        group: CORE_LAYERS.flat().map((folder) => `**/${folder}/**`),
        message: "core layers: the files at core's root import no folder of core (core-layers.js).",
      },
    ],
  ),
  ...coreInnerLayers,
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
  {
    // `no-restricted-imports` sees only static imports; a dynamic one would load Electron as well.
    ignores: ['electron/app/**'],
    rules: { 'no-restricted-syntax': ['error', noDynamicElectron] },
  },
  {
    // The dashboard runs on Preact (ARCHITECTURE.md §13): props of HTML elements it does not
    // honour as React does.
    files: ['renderer/src/**/*.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        noDynamicElectron,
        {
          selector: "JSXOpeningElement[name.name=/^[a-z]/] > JSXAttribute[name.name='autoFocus']",
          message:
            'Preact leaves autoFocus to the autofocus attribute, which a browser honours once a page: focus with a ref.',
        },
        {
          selector:
            "JSXOpeningElement[name.name=/^[a-z]/] > JSXAttribute[name.name='spellCheck'] > JSXExpressionContainer > Literal",
          message:
            'Preact drops a spellCheck it cannot set as a property: give it as text ("false").',
        },
      ],
    },
  },
  layer(
    ['test/**'],
    [],
    [{ ...electronModule, message: 'Tests never load the real electron module: pass fakes.' }],
  ),
);

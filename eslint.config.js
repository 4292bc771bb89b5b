// ESLint flat config: @eslint/js + typescript-eslint recommended, Prettier owns layout, and the import boundaries of STYLE.md.
import { builtinModules } from 'node:module';

import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Imports only Node can satisfy: forbidden in the core and in the browser backend. */
const NODE_ONLY_PATHS = [
  ...builtinModules.map((name) => ({
    name,
    message: 'Node built-ins belong in platform/node/ only.',
  })),
  { name: 'ws', message: 'ws is the Node WebSocket backend: use it from platform/node/ only.' },
];
const NODE_ONLY_PATTERNS = [
  { group: ['node:*'], message: 'Node built-ins belong in platform/node/ only.' },
];

export default defineConfig([
  globalIgnores(['dist/', 'build/', 'coverage/', 'node_modules/']),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    rules: {
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // A generator coroutine that never yields is legitimate (a Trollius coroutine that just returns).
      'require-yield': 'off',
      // `_`-prefixed names are deliberately unused (asyncio-style private or placeholder args).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
      // `any` only where a comment says why: `// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reason`.
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },

  // Ambient declarations use `declare var` by necessity.
  {
    files: ['**/*.d.ts'],
    rules: { 'no-var': 'off' },
  },

  // The core: platform-neutral. No Node, no ws, no backend imports (it reaches the host via src/platform.ts).
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NODE_ONLY_PATHS,
          patterns: [
            ...NODE_ONLY_PATTERNS,
            {
              group: [
                '../platform/*',
                '../../platform/*',
                '**/platform/node/*',
                '**/platform/browser/*',
              ],
              message:
                'src/ must not import a backend: the entry files in platform/ install one with install_platform().',
            },
          ],
        },
      ],
    },
  },

  // The browser backend: no Node, no ws, and not the Node backend either.
  {
    files: ['platform/browser/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NODE_ONLY_PATHS,
          patterns: [
            ...NODE_ONLY_PATTERNS,
            {
              group: ['../node/*', '**/platform/node/*'],
              message: 'platform/browser/ must not import the Node backend.',
            },
          ],
        },
      ],
    },
  },

  // Plain JS/TS run by Node: configs, scripts, demo, bench, tests.
  {
    files: ['*.{js,mjs,cjs,ts}', 'scripts/**', 'demo/**', 'bench/**', 'test/**'],
    languageOptions: { globals: { ...globals.node } },
  },

  // Turn off every rule that Prettier's formatting would fight with (keep last).
  prettier,
]);

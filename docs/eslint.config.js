// ESLint for docs/: the repository's rules (ESLint 10 uses the nearest config), plus what the examples are: programs for Node or a page.
import globals from 'globals';

import root from '../eslint.config.js';

export default [
  ...root,
  {
    files: ['**/*.{js,mjs,cjs,ts}'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `using held = yield* From(lock)` holds the lock until the scope ends: the name is never read.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreUsingDeclarations: true,
        },
      ],
    },
  },
  // The CommonJS example shows require() on purpose.
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];

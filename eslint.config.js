// The linter (`npm run lint`, run by `npm test`): ESLint's and typescript-eslint's recommended rules,
// for the library's TypeScript and the scripts' JavaScript. Formatting is Prettier's (.prettierrc.json).
'use strict';
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const globals = require('globals');

module.exports = tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '**/dist/**',
      'site/**',
      'out/**',
      'release/**',
      '.venv/**',
      '.jupyter/**',
      'scripts/test/fixtures/**',
      'scripts/html/template/**',
      'native/build/**',
      '.venv-torch/**',
    ],
  },
  js.configs.recommended,
  // Matching terminal escapes and control characters on purpose (ANSI colours, CSV/notebook hygiene).
  { rules: { 'no-control-regex': 'off', 'no-regex-spaces': 'off' } },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', ecmaVersion: 2022, globals: { ...globals.node } },
    rules: { 'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none', ignoreRestSiblings: true }] },
  },
  {
    // Code that page.evaluate() runs in the browser.
    files: ['scripts/test/browser*.test.js', 'scripts/test/jupyterlab*.test.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  ...tseslint.configs.recommended.map(c => ({ ...c, files: ['lib/**/*.ts'] })),
  {
    files: ['lib/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off', // tfjs' kernel and layer APIs are typed loosely
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/no-require-imports': 'off', // optional native modules load with require
    },
  },
);

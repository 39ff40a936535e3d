// One linter for the whole tree, type-aware so that floating promises and
// misused async callbacks fail the build rather than a test run.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// bench/ is its own package, with its own tsconfig and its peers' types in
// bench/node_modules: `npm run lint:bench` lints it on its own, once installed.
const benchOnly = process.env.TODOCHAT_LINT_BENCH === '1';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/',
      '.todochat/',
      'bench/results/',
      'dist/',
      'tests/package/consumer/',
      ...(benchOnly ? [] : ['bench/']),
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Kysely's query builders are thenables by design; awaiting them is the API.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
    },
  },
  {
    // SQL lives in src/db/ and the repositories: everything else reaches the
    // database through a service. Types (a service's Kysely<Database> handle) may pass.
    files: ['src/**/*.ts'],
    ignores: ['src/db/**', 'src/**/*.repository.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['kysely', 'pg', '@electric-sql/pglite', 'kysely-pglite-dialect'].map((name) => ({
            name,
            message: 'Query the database only in src/db/ or a *.repository.ts file.',
            allowTypeImports: true,
          })),
        },
      ],
    },
  },
  {
    files: ['eslint.config.js', 'bin/**/*.js', 'scripts/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  { files: ['eslint.config.js'], languageOptions: { globals: { process: 'readonly' } } },
);

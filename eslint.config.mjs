// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // node_modules/ is ignored by ESLint itself.
    // test/readme/snippets/readme-*.ts: the README's code, copied as written (tsc checks it).
    ignores: [
      'dist/',
      'dist-sample/',
      'dist-bench/',
      'bench/results/',
      'coverage/',
      'test/readme/snippets/readme-*.ts',
    ],
  },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        // One program for lib/, test/, sample/ and bench/: projectService would build two (the root
        // tsconfig.json and bench/tsconfig.json), type-checking lib/ twice.
        project: './tsconfig.eslint.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A dropped promise is a store failure nobody sees (STYLE.md: never swallowed).
      '@typescript-eslint/no-floating-promises': 'error',
      // consistent-type-imports leaves files with decorators alone (emitDecoratorMetadata needs value
      // imports there), so Nest's DI keeps its constructor types.
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `any` only with a disable comment that says why.
      '@typescript-eslint/no-explicit-any': 'error',
      // Passing on a caught `unknown` is forwarding an error, not inventing one (as only-throw-error allows).
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // `async` on a method with no await is how a store keeps to a promise contract: a throw becomes
      // a rejection. The rule would have us drop it.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Supertest's `res.body` and Nest's `app.getHttpServer()` are `any` by design; asserting on them is
    // what e2e specs do.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // expect(obj.method) compares functions; type tests name members they never call
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Plain JavaScript (bench/*.mjs, this file) and vitest.config.mts belong to no tsconfig.
    files: ['**/*.{js,mjs,cjs,mts}'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  prettier,
);

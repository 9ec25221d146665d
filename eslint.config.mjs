// ESLint flat config: typescript-eslint's recommended type-aware rules over src/, tools/ and test/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'lib/',
      'lib-tools/',
      'dist/',
      'release/',
      'charts/',
      'coverage/',
      'build-tmp/',
      '.tools/',
      'src/generated/',
      '.stryker-tmp/',
      'reports/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/explicit-member-accessibility': [
        'error',
        { accessibility: 'explicit', overrides: { constructors: 'off' } },
      ],
      eqeqeq: 'error',
    },
  },
  {
    // The expression core is the ground floor: every room stands on it, so it must know nothing
    // of the chart. It imports only its own files.
    files: ['src/expr/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../*'], message: 'src/expr imports only src/expr: it knows nothing of the chart.' },
            { group: ['cdk8s', 'cdk8s-plus-*', 'js-yaml', 'ajv'], message: 'src/expr is the language core alone.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        module: 'writable',
        require: 'readonly',
        __dirname: 'readonly',
      },
    },
  },
  {
    // Jest's own config files are CommonJS.
    files: [
      'jest.config.js',
      'jest.global-setup.js',
      'jest.global-teardown.js',
      'jest.mutate.config.js',
      'test/mutation/*.js',
      'test/support/own-tmpdir.js',
    ],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The mutation runs' one test file registers the suites inside Jest's describe blocks.
    files: ['test/mutation/all-suites.mutate.js'],
    languageOptions: { globals: { describe: 'readonly' } },
  },
);

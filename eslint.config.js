// Lint: type-aware rules for promises and imports, plus the architecture rule that keeps the
// domain core pure (CONVENTIONS rule 6): src/domain and src/rules import no I/O, vendor SDK or clock source.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = [
  'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http', 'https', 'node:https',
  'child_process', 'node:child_process', 'better-sqlite3', 'kysely', 'pg', 'jsforce', '@hubspot/api-client',
  'nodemailer', 'fastify', 'winston', 'node-cron', 'p-retry', 'yaml',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'test-artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['src/domain/**/*.ts', 'src/rules/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ioModules.map((name) => ({ name, message: 'src/domain and src/rules are pure: pass I/O in through ports.' })),
        patterns: [
          { group: ['**/store/**', '**/connectors/**', '**/sync/**', '**/services/**', '**/web/**', '**/notify/**', '**/lib/logger*', '**/config/**', '**/mapping/**', '**/scheduler/**', '**/cli/**'], message: 'src/domain and src/rules import only domain/rules code.' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'Date', message: 'Pass the clock in (now: Date argument); use Date only as a type or via explicit values.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Pass randomness in.' }],
    },
  },
  {
    files: ['**/*.js', 'bin/**'],
    ...tseslint.configs.disableTypeChecked,
  },
);

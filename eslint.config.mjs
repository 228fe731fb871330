// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What the pure domain may never touch: frameworks, queues, drivers, or the clock. */
const infrastructure = [
  '@nestjs/*',
  'bullmq',
  'ioredis',
  'pg',
  'better-sqlite3',
  '@eventstore/*',
  'kysely',
  'express',
  'fs',
  'node:*',
  '@engine/platform',
  '@engine/event-store',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'bench/results/**',
      'apps/api/public/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { sourceType: 'module' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The operations dashboard: ES modules served to the browser as they are.
    files: ['apps/dashboard/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'document',
          'location',
          'history',
          'sessionStorage',
          'fetch',
          'EventSource',
          'URLSearchParams',
          'setInterval',
          'clearInterval',
          'setTimeout',
          'clearTimeout',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // Tests read untyped JSON answers.
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The domain is pure: no infrastructure imports and no clock reads (time comes in with the command).
    files: ['libs/domain/src/**/*.ts'],
    ignores: ['libs/domain/src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: infrastructure.map((group) => ({
            group: [group],
            message: 'libs/domain stays pure: no framework, queue, database or I/O imports.',
          })),
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'libs/domain never reads the clock: take `now` from the command.',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'libs/domain never reads the clock: take `now` from the command.',
        },
        {
          selector:
            "CallExpression[callee.object.name='DateTime'][callee.property.name=/^(now|local|utc)$/][arguments.length=0]",
          message: 'libs/domain never reads the clock: take `now` from the command.',
        },
        {
          selector: "MemberExpression[object.name='performance'][property.name='now']",
          message: 'libs/domain never reads the clock.',
        },
        {
          selector: "CallExpression[callee.name='require']",
          message: 'libs/domain uses static imports only.',
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'libs/domain reads no environment.' },
      ],
    },
  },
);

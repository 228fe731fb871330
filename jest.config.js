/** Jest projects: `unit` (pure, milliseconds), `int` (real database / Redis), `e2e` (HTTP, real app). */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^@engine/domain$': '<rootDir>/libs/domain/src',
  '^@engine/platform$': '<rootDir>/libs/platform/src',
  '^@engine/event-store$': '<rootDir>/libs/event-store/src',
  '^@engine/read-models$': '<rootDir>/libs/read-models/src',
  '^@engine/intake$': '<rootDir>/libs/intake/src',
  '^@engine/timers$': '<rootDir>/libs/timers/src',
  '^@engine/webhooks$': '<rootDir>/libs/webhooks/src',
};
const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
};
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['**/*.spec.ts'],
      testPathIgnorePatterns: ['\\.int\\.spec\\.ts$', '\\.e2e\\.spec\\.ts$', '/node_modules/'],
    },
    { ...common, displayName: 'int', testMatch: ['**/*.int.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['**/*.e2e.spec.ts'] },
  ],
  collectCoverageFrom: ['libs/**/src/**/*.ts', '!**/*.spec.ts', '!**/index.ts'],
};

import type { Config } from 'jest';

const transform: Config['transform'] = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
    },
  ],
};

const common = { transform, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

/**
 * unit: specs beside the code. e2e: in-process apps (@nestjs/testing) on real Postgres, whose
 * every HTTP answer must agree with the app's OpenAPI document (test/support/openapi/).
 * process: spawn the built server (npm test builds first) and send it real signals.
 * The global setup starts one real Postgres (embedded unless TEST_DATABASE_URL is set) and
 * creates a fresh database for the run.
 */
const config: Config = {
  maxWorkers: 2,
  testTimeout: 30_000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // Every HTTP answer of an in-process app is checked against its OpenAPI document.
      setupFilesAfterEnv: ['<rootDir>/test/support/openapi/check-responses.setup.ts'],
    },
    {
      ...common,
      displayName: 'process',
      rootDir: '.',
      testMatch: ['<rootDir>/test/process/**/*.process-spec.ts'],
    },
  ],
};

export default config;

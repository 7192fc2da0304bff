import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { NEST_APP_OPTIONS, setupApp } from '../../src/app.setup';
import { type AppConfig, toAppConfig } from '../../src/config/app-config';
import { loadEnv, packageVersion } from '../../src/config/load-env';
import { LifecycleState } from '../../src/lifecycle/lifecycle-state';
import { createBootLogger } from '../../src/lifecycle/startup/boot-logger';
import { openDatabaseAndMigrate } from '../../src/lifecycle/startup/database-steps';

/** The run's database (see global-setup.ts). */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_RUN_DATABASE_URL;
  if (url === undefined) {
    throw new Error('TEST_RUN_DATABASE_URL is not set: run the tests through jest (global setup)');
  }
  return url;
}

/** Configuration as production would load it, from a test environment plus overrides. */
export function testConfig(env: Record<string, string> = {}): AppConfig {
  const loaded = loadEnv({ NODE_ENV: 'test', DATABASE_URL: testDatabaseUrl(), ...env });
  return toAppConfig(loaded, packageVersion(), loaded.DATABASE_URL ?? testDatabaseUrl());
}

/** AppModule with its database opened and migrated by the same functions as the server's startup. */
export async function testAppModule(config: AppConfig = testConfig()): Promise<DynamicModule> {
  const dataSource = await openDatabaseAndMigrate(config.db, createBootLogger(config.app));
  return AppModule.forRoot(config, dataSource);
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Extra modules, e.g. a controller that exists only to provoke an error. */
  imports?: Array<Type | DynamicModule>;
  /** Adjust the module (e.g. overrideProvider) before it compiles. */
  customize?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Listen on an ephemeral port (for socket.io and EventSource clients). */
  listen?: boolean;
}

/** The production stack in-process: same module, same setupApp, READY as startup leaves it. */
export async function createTestApp(options: TestAppOptions = {}): Promise<INestApplication> {
  const builder = Test.createTestingModule({
    imports: [await testAppModule(testConfig(options.env)), ...(options.imports ?? [])],
  });
  const moduleRef = await (options.customize ? options.customize(builder) : builder).compile();
  const app = setupApp(moduleRef.createNestApplication(NEST_APP_OPTIONS));
  if (options.listen) {
    await app.listen(0, '127.0.0.1');
  } else {
    await app.init();
  }
  app.get(LifecycleState).markReady();
  return app;
}

/** Base URL of an app created with `listen: true`. */
export function baseUrl(app: INestApplication): string {
  const address = (app.getHttpServer() as import('node:http').Server).address();
  if (address === null || typeof address === 'string') {
    throw new Error('app is not listening on a TCP port');
  }
  return `http://127.0.0.1:${address.port}`;
}

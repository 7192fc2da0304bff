import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { NEST_APP_OPTIONS, setupApp } from '../../src/app.setup';
import type { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { LifecycleState } from '../../src/lifecycle/lifecycle-state';

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
  return loadConfig({ NODE_ENV: 'test', DATABASE_URL: testDatabaseUrl(), ...env });
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

/** The production stack in-process: same module, same setupApp, READY as main.ts leaves it. */
export async function createTestApp(options: TestAppOptions = {}): Promise<INestApplication> {
  const builder = Test.createTestingModule({
    imports: [AppModule.forRoot(testConfig(options.env)), ...(options.imports ?? [])],
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

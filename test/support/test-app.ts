import type { IncomingHttpHeaders } from 'node:http';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { NEST_APP_OPTIONS, setupApp } from '../../src/app.setup';
import { type AppConfig, toAppConfig } from '../../src/config/app-config';
import { loadEnv, packageVersion } from '../../src/config/load-env';
import { LifecycleState } from '../../src/lifecycle/lifecycle-state';
import { createBootLogger } from '../../src/lifecycle/startup/boot-logger';
import { openDatabaseAndMigrate } from '../../src/lifecycle/startup/database-steps';
import { PrincipalResolver } from '../../src/sessions/principal/principal';
import { watchResponses } from './openapi/response-watch';
import { ServerProcess } from './server-process';

/** The run's database (see global-setup.ts). */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_RUN_DATABASE_URL;
  if (url === undefined) {
    throw new Error('TEST_RUN_DATABASE_URL is not set: run the tests through jest (global setup)');
  }
  return url;
}

/**
 * The built server as a process on the run's database and a port the OS picks (`env` adds to or
 * overrides that), once its "started" line is out.
 */
export async function startTestServer(
  env: Record<string, string> = {},
): Promise<{ server: ServerProcess; port: number; url: string }> {
  const server = ServerProcess.start({ DATABASE_URL: testDatabaseUrl(), PORT: '0', ...env });
  const port = await server.started();
  return { server, port, url: `http://127.0.0.1:${port}` };
}

/**
 * Configuration as production would load it, from a test environment plus overrides. The rate
 * limit is off (suites write far faster than any client may) unless `env` sets it.
 */
export function testConfig(env: Record<string, string> = {}): AppConfig {
  const loaded = loadEnv({
    NODE_ENV: 'test',
    DATABASE_URL: testDatabaseUrl(),
    RATE_LIMIT_PER_MINUTE: '0',
    ...env,
  });
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
  /** False: leave the lifecycle in STARTING, as startup does until it listens. */
  ready?: boolean;
  /**
   * Who every request (and socket handshake) acts as, in place of the configured local owner: a
   * suite that owns its sessions never sees those of suites running beside it.
   */
  ownerOf?: (headers: IncomingHttpHeaders) => string;
}

/**
 * The production stack in-process: same module, same setupApp, READY as startup leaves it. Every
 * answer it gives is checked against its OpenAPI document (see openapi/response-watch.ts).
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<INestApplication> {
  let builder = Test.createTestingModule({
    imports: [await testAppModule(testConfig(options.env)), ...(options.imports ?? [])],
  });
  if (options.customize) {
    builder = options.customize(builder);
  }
  if (options.ownerOf) {
    builder = overridePrincipal(builder, options.ownerOf);
  }
  const moduleRef = await builder.compile();
  const app = setupApp(moduleRef.createNestApplication(NEST_APP_OPTIONS));
  watchResponses(app, options.imports);
  if (options.listen) {
    await app.listen(0, '127.0.0.1');
  } else {
    await app.init();
  }
  if (options.ready !== false) {
    app.get(LifecycleState).markReady();
  }
  return app;
}

/** Swaps the PrincipalResolver for one that makes each request act as `ownerOf(its headers)`. */
function overridePrincipal(
  builder: TestingModuleBuilder,
  ownerOf: (headers: IncomingHttpHeaders) => string,
): TestingModuleBuilder {
  return builder.overrideProvider(PrincipalResolver).useValue({
    resolve: (headers: IncomingHttpHeaders) => ({ ownerId: ownerOf(headers) }),
  });
}

/** Base URL of an app created with `listen: true`. */
export function baseUrl(app: INestApplication): string {
  const address = (app.getHttpServer() as import('node:http').Server).address();
  if (address === null || typeof address === 'string') {
    throw new Error('app is not listening on a TCP port');
  }
  return `http://127.0.0.1:${address.port}`;
}

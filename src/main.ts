import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { AppModule } from './app.module';
import { NEST_APP_OPTIONS, setupApp } from './app.setup';
import { ConfigValidationError, loadConfig } from './config/load-config';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './database/embedded-postgres';
import { LifecycleState } from './lifecycle/lifecycle-state';

/** Before Nest's logger exists: one JSON line on stderr, written synchronously before exit. */
const bootLog = pino({ base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));

function fatal(message: string): never {
  bootLog.fatal(message);
  process.exit(1);
}

async function bootstrap(): Promise<void> {
  const startedAt = Date.now();
  if (process.env.NODE_ENV !== 'production' && existsSync('.env')) {
    process.loadEnvFile('.env');
  }
  const config = loadConfig();

  let embedded: EmbeddedDatabase | undefined;
  if (config.db.url === undefined) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.db.embedded.dataDir,
      port: config.db.embedded.port,
      database: 'renovation',
    });
    config.db.url = embedded.url;
  }

  const app = await NestFactory.create(AppModule.forRoot(config), NEST_APP_OPTIONS);
  setupApp(app);
  await app.listen(config.app.port, config.app.host);
  app.get(LifecycleState).markReady();
  const address = (app.getHttpServer() as Server).address() as AddressInfo;
  bootLog.info(
    { port: address.port, env: config.app.env, startupMs: Date.now() - startedAt },
    'started',
  );

  const stop = async (signal: string): Promise<void> => {
    bootLog.info({ signal }, 'shutting down');
    await app.close();
    await embedded?.stop();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, (received) => void stop(received));
  }
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) {
    fatal(error.message);
  }
  fatal(error instanceof Error ? error.message : String(error));
});

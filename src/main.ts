import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { existsSync } from 'node:fs';
import { AppModule } from './app.module';
import { API_PREFIX, DOCS_PATH, NEST_APP_OPTIONS, setupApp } from './app.setup';
import type { AppConfig } from './config/app-config';
import { loadConfig } from './config/load-config';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './database/embedded-postgres';
import { describeDatabaseUrl } from './database/data-source-options';
import { openDatabase } from './database/open-database';
import { applyOrVerifyMigrations } from './database/schema-migrations';
import { LifecycleState } from './lifecycle/lifecycle-state';
import { installShutdownSignals } from './lifecycle/shutdown-signals';
import { type BootLogger, createBootLogger } from './lifecycle/startup/boot-logger';
import { checkEnvironment } from './lifecycle/startup/environment-checks';
import { listen } from './lifecycle/startup/listen';
import { StartupSequence } from './lifecycle/startup/startup-sequence';

/**
 * Bootstrap only: the startup steps in order, each timed, under one deadline (DESIGN.md
 * "Startup" 1–6), then the shutdown signals. Any failure is one fatal line and exit 1.
 */
let bootLog: BootLogger = createBootLogger();
/** Until the drain can run, a signal stops startup cleanly (embedded Postgres included). */
const STARTUP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const;
let embedded: EmbeddedDatabase | undefined;
let startupFailed = false;

function urls(config: AppConfig, port: number): Record<string, string> {
  const host =
    config.app.host === '0.0.0.0' || config.app.host === '::' ? '127.0.0.1' : config.app.host;
  const base = `http://${host}:${port}`;
  return {
    api: `${base}/${API_PREFIX}`,
    ...(config.docs.enabled ? { docs: `${base}/${DOCS_PATH}` } : {}),
    health: `${base}/health/ready`,
    socketIo: `${base}/socket.io`,
  };
}

async function bootstrap(): Promise<void> {
  if (process.env.NODE_ENV !== 'production' && existsSync('.env')) {
    process.loadEnvFile('.env');
  }
  const configStarted = Date.now();
  const config = loadConfig();
  bootLog = createBootLogger(config.app);
  const startup = new StartupSequence(bootLog);
  startup.armDeadline(config.app.startupTimeoutMs);
  const stopStartupOnSignal = (signal: NodeJS.Signals): void =>
    failStartup(new Error(`${signal} during startup: stopped before taking any traffic`));
  STARTUP_SIGNALS.forEach((signal) => process.once(signal, stopStartupOnSignal));
  await startup.step('configuration', () => Date.now() - configStarted);

  const dataSource = await startup.step('database', async () => {
    if (config.db.url === undefined) {
      embedded = await startEmbeddedPostgres({
        dataDir: config.db.embedded.dataDir,
        port: config.db.embedded.port,
        database: 'renovation',
        onLog: (line) => bootLog.debug({ component: 'embedded-postgres' }, line),
      });
      config.db.url = embedded.url;
      bootLog.info(`embedded Postgres started (${describeDatabaseUrl(embedded.url)})`);
    }
    return openDatabase(config.db, { warn: (message: string) => bootLog.warn(message) });
  });
  await startup.step('migrations', async () => {
    const { applied } = await applyOrVerifyMigrations(dataSource, config.db.migrationsRun);
    bootLog.info({ applied }, `migrations: ${applied.length} applied`);
  });
  await startup.step('environment checks', async () => {
    const report = await checkEnvironment(config, dataSource);
    report.warnings.forEach((warning) => bootLog.warn(warning));
  });
  const app = await startup.step('application', async () => {
    const created = await NestFactory.create(
      AppModule.forRoot(config, dataSource),
      NEST_APP_OPTIONS,
    );
    return setupApp(created);
  });
  // Before listen and before the "started" line: a SIGTERM from then on drains, never kills.
  STARTUP_SIGNALS.forEach((signal) => process.removeListener(signal, stopStartupOnSignal));
  installShutdownSignals(app, { embeddedDatabase: embedded });
  const port = await startup.step('listen', () => listen(app, config.app.port, config.app.host));

  app.get(LifecycleState).markReady();
  const { totalMs, steps } = startup.finish();
  bootLog.info(
    {
      urls: urls(config, port),
      port,
      pid: process.pid,
      env: config.app.env,
      startupMs: totalMs,
      steps,
    },
    'started',
  );
}

/** One fatal line, the embedded database stopped (bounded) so no orphan is left, exit 1. */
function failStartup(error: unknown): void {
  if (startupFailed) {
    return;
  }
  startupFailed = true;
  bootLog.fatal(error instanceof Error ? error.message : String(error));
  const stopping = embedded?.stop() ?? Promise.resolve();
  const bound = new Promise((resolve) => setTimeout(resolve, 5000));
  void Promise.race([stopping.catch(() => undefined), bound]).then(() => process.exit(1));
}

bootstrap().catch(failStartup);

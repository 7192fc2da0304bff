import { NestFactory } from '@nestjs/core';
import { existsSync } from 'node:fs';
import { AppModule } from '../../app.module';
import { NEST_APP_OPTIONS, setupApp } from '../../app.setup';
import { settlesWithin } from '../../common/async/with-timeout';
import { appSection, shutdownSection, toAppConfig } from '../../config/app-config';
import type { RawEnv } from '../../config/env.schema';
import { loadEnv, packageVersion } from '../../config/load-env';
import type { EmbeddedDatabase } from '../../database/embedded-postgres';
import { LifecycleState } from '../lifecycle-state';
import { installShutdownSignals, SIGNALS } from '../shutdown-signals';
import { StartupChecks } from '../startup-checks';
import { type BootLogger, createBootLogger } from './boot-logger';
import { connectDatabase, migrateDatabase, startEmbeddedDatabase } from './database-steps';
import { checkEnvironment } from './environment-checks';
import { listen } from './listen';
import { serviceUrls } from './service-urls';
import { checkShutdownBudget } from './shutdown-budget-check';
import { StartupSequence } from './startup-sequence';

/** How long a failed startup waits for its embedded Postgres to stop before exiting anyway. */
const EMBEDDED_STOP_BOUND_MS = 5000;

/**
 * The server's one startup path: the steps in order, each timed, under one deadline, then the
 * shutdown signals (docs/lifecycle.md). Until the drain can run, a signal stops startup cleanly;
 * any failure is one fatal line and exit 1.
 */
class ServerStartup {
  private log: BootLogger = createBootLogger();
  private embedded: EmbeddedDatabase | undefined;
  private failed = false;
  private readonly stopOnSignal = (signal: NodeJS.Signals): void =>
    this.fail(new Error(`${signal} during startup: stopped before taking any traffic`));

  async run(): Promise<void> {
    if (process.env.NODE_ENV !== 'production' && existsSync('.env')) {
      process.loadEnvFile('.env');
    }
    // Before the boot logger exists: a configuration problem is printed with the default one.
    const env = loadEnv();
    checkShutdownBudget(shutdownSection(env));
    const version = packageVersion();
    const settings = appSection(env, version);
    this.log = createBootLogger(settings);
    const startup = new StartupSequence(this.log, settings.startupTimeoutMs);
    SIGNALS.forEach((signal) => process.once(signal, this.stopOnSignal));
    // Loaded above, since it configures the logger and the deadline; logged as the first step.
    await startup.step('configuration', () => undefined);

    const { config, dataSource } = await startup.step('database', async () => {
      const known = toAppConfig(env, version, await this.databaseUrl(env));
      return { config: known, dataSource: await connectDatabase(known.db, this.log) };
    });
    await startup.step('migrations', () => migrateDatabase(dataSource, config.db, this.log));
    await startup.step('environment checks', async () => {
      const report = await checkEnvironment(config, dataSource);
      report.warnings.forEach((warning) => this.log.warn(warning));
    });
    const app = await startup.step('application', async () =>
      setupApp(await NestFactory.create(AppModule.forRoot(config, dataSource), NEST_APP_OPTIONS)),
    );
    // The features' own checks (the model's key, say): still before any traffic.
    for (const check of app.get(StartupChecks).all()) {
      await startup.step(check.name, () => check.run());
    }
    // Before listen and before the "started" line: a SIGTERM from then on drains, never kills.
    SIGNALS.forEach((signal) => process.removeListener(signal, this.stopOnSignal));
    installShutdownSignals(app, { embeddedDatabase: this.embedded });
    const port = await startup.step('listen', () => listen(app, config.app.port, config.app.host));

    app.get(LifecycleState).markReady();
    const { totalMs, steps } = startup.finish();
    this.log.info(
      {
        urls: serviceUrls(config, port),
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
  fail(error: unknown): void {
    if (this.failed) {
      return;
    }
    this.failed = true;
    this.log.fatal(error instanceof Error ? error.message : String(error));
    const stopping = this.embedded?.stop().catch(() => undefined) ?? Promise.resolve();
    void settlesWithin(stopping, EMBEDDED_STOP_BOUND_MS).then(() => process.exit(1));
  }

  /** DATABASE_URL, or (when it is unset, which loadEnv allows only outside production) embedded. */
  private async databaseUrl(env: RawEnv): Promise<string> {
    if (env.DATABASE_URL !== undefined) {
      return env.DATABASE_URL;
    }
    this.embedded = await startEmbeddedDatabase(env, this.log);
    return this.embedded.url;
  }
}

/** Starts the server; never rejects (a failure ends the process). */
export function bootstrap(): void {
  const startup = new ServerStartup();
  startup.run().catch((error: unknown) => startup.fail(error));
}

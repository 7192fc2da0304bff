import { Global, Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { ShutdownStage, ShutdownSteps } from '../lifecycle/shutdown-steps';
import { connectWithRetry } from './connect-with-retry';
import { dataSourceOptions, describeDatabaseUrl } from './data-source-options';
import { NotificationListener } from './notification-listener';

export const DOMAIN_EVENTS_CHANNEL = 'renovation_events';

const logger = new Logger('Database');

function databaseUrl(config: ConfigService<AppConfig, true>): string {
  const url = config.getOrThrow('db', { infer: true }).url;
  if (url === undefined) {
    throw new Error(
      'no database URL: main.ts must start the embedded database or DATABASE_URL must be set',
    );
  }
  return url;
}

/**
 * The DataSource and the LISTEN connection. Our own provider rather than @nestjs/typeorm, because
 * TypeOrmCoreModule destroys the DataSource in its own onApplicationShutdown hook, outside the
 * ordered shutdown steps (the pool must close after the last response and after the LISTEN stops).
 */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [ConfigService, ShutdownSteps],
      useFactory: async (
        config: ConfigService<AppConfig, true>,
        steps: ShutdownSteps,
      ): Promise<DataSource> => {
        const db = config.getOrThrow('db', { infer: true });
        const url = databaseUrl(config);
        const dataSource = new DataSource(dataSourceOptions(url, db.poolMax));
        const started = Date.now();
        await connectWithRetry(dataSource, url, db.connectTimeoutMs, (attempt, cause, delayMs) =>
          logger.warn(
            `database ${describeDatabaseUrl(url)} attempt ${attempt} failed (${cause}); retrying in ${delayMs} ms`,
          ),
        );
        logger.log(`connected to ${describeDatabaseUrl(url)} in ${Date.now() - started} ms`);
        if (db.migrationsRun) {
          const ran = await dataSource.runMigrations({ transaction: 'each' });
          logger.log(`migrations: ${ran.length} applied`);
        }
        steps.register({
          name: 'close database pool',
          stage: ShutdownStage.CLOSE_DATABASE,
          run: () => dataSource.destroy(),
        });
        return dataSource;
      },
    },
    {
      provide: NotificationListener,
      inject: [ConfigService, ShutdownSteps],
      useFactory: async (
        config: ConfigService<AppConfig, true>,
        steps: ShutdownSteps,
      ): Promise<NotificationListener> => {
        const listener = new NotificationListener(databaseUrl(config));
        await listener.start([DOMAIN_EVENTS_CHANNEL]);
        steps.register({
          name: 'stop LISTEN',
          stage: ShutdownStage.STOP_LISTEN,
          run: () => listener.stop(),
        });
        return listener;
      },
    },
  ],
  exports: [DataSource, NotificationListener],
})
export class DatabaseModule {}

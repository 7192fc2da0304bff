import { type DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { ShutdownStage, ShutdownSteps } from '../lifecycle/shutdown-steps';
import { DOMAIN_EVENTS_CHANNEL } from './domain-events-channel';
import { NotificationListener } from './notification-listener';
import { openDatabase } from './open-database';
import { applyOrVerifyMigrations } from './schema-migrations';

export { DOMAIN_EVENTS_CHANNEL };

const logger = new Logger('Database');

/**
 * The DataSource and the LISTEN connection. Our own provider rather than @nestjs/typeorm, because
 * TypeOrmCoreModule destroys the DataSource in its own onApplicationShutdown hook, outside the
 * ordered shutdown steps (the pool must close after the last response and after LISTEN stops),
 * and retries 9 × 3 s by default.
 *
 * main.ts opens the database and runs migrations as timed startup steps before Nest is created and
 * hands the DataSource in; without one (e2e tests) the module does the same itself.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(prepared?: DataSource): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          inject: [ConfigService, ShutdownSteps],
          useFactory: async (
            config: ConfigService<AppConfig, true>,
            steps: ShutdownSteps,
          ): Promise<DataSource> => {
            const dataSource =
              prepared ?? (await DatabaseModule.prepare(config.getOrThrow('db', { infer: true })));
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
            const url = config.getOrThrow('db', { infer: true }).url;
            if (url === undefined) {
              throw new Error('no database URL for the LISTEN connection');
            }
            const listener = new NotificationListener(url);
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
    };
  }

  private static async prepare(db: AppConfig['db']): Promise<DataSource> {
    const dataSource = await openDatabase(db, logger);
    await applyOrVerifyMigrations(dataSource, db.migrationsRun);
    return dataSource;
  }
}

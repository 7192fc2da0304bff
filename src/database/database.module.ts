import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { ShutdownStage, ShutdownSteps } from '../lifecycle/shutdown-steps';
import { NotificationListener } from './notification-listener';

/**
 * The DataSource and the LISTEN connection: generic infrastructure that knows no feature (the
 * features name the channels they LISTEN to, NotificationListener.listen). Our own provider rather than @nestjs/typeorm, because
 * TypeOrmCoreModule destroys the DataSource in its own onApplicationShutdown hook, outside the
 * ordered shutdown steps (the pool must close after the last response and after LISTEN stops),
 * and retries 9 × 3 s by default.
 *
 * The DataSource comes in opened and migrated: startup does that as timed steps before Nest is
 * created (src/lifecycle/startup/database-steps.ts), e2e tests through the same functions.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(dataSource: DataSource): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          inject: [ShutdownSteps],
          useFactory: (steps: ShutdownSteps): DataSource => {
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
            const listener = new NotificationListener(config.getOrThrow('db', { infer: true }).url);
            await listener.start();
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
}

import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { DataSource } from 'typeorm';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { RequestValidationException } from './common/errors/request-validation.exception';
import { ParamsParsingValidationPipe } from './common/http/params-parsing-validation.pipe';
import { createAppLogger, loggerOptions } from './common/logging/logger-options';
import { RequestLogging } from './common/logging/request-logging';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import type { RequestOwner } from './common/rate-limit/request-owner';
import { WriteThrottlerGuard } from './common/rate-limit/write-throttler.guard';
import type { AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { AgentModule } from './agent';
import { GatewayModule } from './gateway/gateway.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './health/metrics/metrics.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { AuthenticationGuard, resolvedPrincipal, SessionsModule } from './sessions';

/**
 * Wires configuration (already validated by the caller), logging, the database and the feature
 * modules, with the global pipe and filter as APP_* providers so e2e tests run the production stack.
 */
@Module({})
export class AppModule {
  /** `dataSource`: opened and migrated by the startup steps (src/lifecycle/startup/database-steps.ts). */
  static forRoot(config: AppConfig, dataSource: DataSource): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => config] }),
        LoggerModule.forRoot(loggerOptions(createAppLogger(config.app))),
        LifecycleModule,
        DatabaseModule.forRoot(dataSource),
        MetricsModule,
        HealthModule,
        SessionsModule,
        AgentModule,
        GatewayModule,
        // Rate limits key by principal: the one AuthenticationGuard resolved (it runs first).
        RateLimitModule.forRoot({
          ownerOf: (): RequestOwner => ({
            ownerIdOf: (request) => resolvedPrincipal(request)?.ownerId,
          }),
        }),
      ],
      providers: [
        RequestLogging,
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        // Every route needs a principal unless marked @PublicRoute() (the health routes).
        { provide: APP_GUARD, useExisting: AuthenticationGuard },
        {
          provide: APP_PIPE,
          useFactory: () =>
            new ParamsParsingValidationPipe({
              whitelist: true,
              forbidNonWhitelisted: true,
              transform: true,
              exceptionFactory: (errors) => new RequestValidationException(errors),
            }),
        },
        { provide: APP_GUARD, useExisting: WriteThrottlerGuard },
      ],
    };
  }
}

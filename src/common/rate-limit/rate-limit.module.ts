import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { REQUEST_OWNER, type RequestOwner } from './request-owner';
import { throttlerOptions } from './throttler-options';
import { WriteThrottlerGuard } from './write-throttler.guard';

export interface RateLimitOptions {
  /** Who a REST request acts as (common/ knows no feature: the app's wiring says). */
  ownerOf: () => RequestOwner;
}

/**
 * The write limit's storage, options and guard, global so that the guard resolves wherever it is
 * used: globally for REST (APP_GUARD in app.module.ts), and on the socket.io gateway, whose
 * handlers Nest's global guards never reach (@nestjs/websockets creates its GuardsContextCreator
 * without the application config). Both instances share the one in-memory storage.
 */
@Global()
@Module({})
export class RateLimitModule {
  static forRoot(options: RateLimitOptions): DynamicModule {
    return {
      module: RateLimitModule,
      imports: [
        ThrottlerModule.forRootAsync({ inject: [ConfigService], useFactory: throttlerOptions }),
      ],
      providers: [{ provide: REQUEST_OWNER, useFactory: options.ownerOf }, WriteThrottlerGuard],
      exports: [REQUEST_OWNER, WriteThrottlerGuard],
    };
  }
}

import {
  type DynamicModule,
  Global,
  type InjectionToken,
  Module,
  type ModuleMetadata,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { REQUEST_OWNER, type RequestOwner } from './request-owner';
import { throttlerOptions } from './throttler-options';
import { WriteThrottlerGuard } from './write-throttler.guard';

export interface RateLimitOptions {
  /** Modules that provide what `ownerOf` injects. */
  imports: NonNullable<ModuleMetadata['imports']>;
  inject: InjectionToken[];
  ownerOf: (...dependencies: never[]) => RequestOwner;
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
        ...options.imports,
      ],
      providers: [
        { provide: REQUEST_OWNER, inject: options.inject, useFactory: options.ownerOf },
        WriteThrottlerGuard,
      ],
      exports: [REQUEST_OWNER, WriteThrottlerGuard],
    };
  }
}

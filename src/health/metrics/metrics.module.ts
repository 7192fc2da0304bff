import { Global, Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { HealthTokenGuard } from '../auth/health-token.guard';
import { HttpMetrics } from './http.metrics';
import { MetricsController } from './metrics.controller';
import { StateMetrics } from './state.metrics';

/**
 * One prom-client Registry per application, provided under the class token `Registry`: other
 * modules (lifecycle, gateway) inject it and register their own metrics into it. Never the
 * global default registry: several apps share one Jest process, and registering a name twice in
 * one registry throws.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: Registry,
      useFactory: (): Registry => {
        const registry = new Registry();
        collectDefaultMetrics({ register: registry });
        return registry;
      },
    },
    HttpMetrics,
    StateMetrics,
    HealthTokenGuard,
  ],
  exports: [Registry],
})
export class MetricsModule {}

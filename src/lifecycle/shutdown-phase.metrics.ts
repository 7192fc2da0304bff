import { Injectable, Optional } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { METRIC_NAMES } from '../common/metrics/metric-names';

/**
 * `shutdown_phase_duration_seconds{phase}`: how long each phase of the last shutdown took, scraped
 * while the process drains (the drain delay is exactly when a scraper still reaches it). The
 * registry is the Health module's (@Global, exported under prom-client's `Registry` class); when
 * the app runs without it, phases are still logged, just not exported.
 */
@Injectable()
export class ShutdownPhaseMetrics {
  private readonly gauge: Gauge | undefined;

  constructor(@Optional() registry?: Registry) {
    this.gauge =
      registry === undefined
        ? undefined
        : new Gauge({
            name: METRIC_NAMES.shutdownPhaseDuration,
            help: 'Duration of each phase of the current or last shutdown',
            labelNames: ['phase'],
            registers: [registry],
          });
  }

  record(phase: string, ms: number): void {
    this.gauge?.set({ phase }, ms / 1000);
  }
}

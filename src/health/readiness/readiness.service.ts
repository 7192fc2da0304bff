import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { type HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.health';
import { FeaturesHealthIndicator } from './features.health';
import { LifecycleHealthIndicator } from './lifecycle.health';
import { ListenerHealthIndicator } from './listener.health';
import { NotReadyException } from './not-ready.exception';

/**
 * Whether this instance should get traffic: lifecycle READY, the database answering, the LISTEN
 * connection up; with the feature flags it runs with beside them (never a reason to be down). Logs when the answer changes (not on every probe: Terminus' own per-probe error
 * log is switched off in HealthModule, or an outage would log once per probe per second).
 */
@Injectable()
export class ReadinessService {
  private readonly logger = new Logger('Readiness');
  private lastFailing: string | undefined;

  constructor(
    private readonly healthCheck: HealthCheckService,
    private readonly lifecycle: LifecycleHealthIndicator,
    private readonly database: DatabaseHealthIndicator,
    private readonly listener: ListenerHealthIndicator,
    private readonly features: FeaturesHealthIndicator,
  ) {}

  async check(): Promise<HealthCheckResult> {
    try {
      const result = await this.healthCheck.check([
        () => this.lifecycle.check(),
        () => this.database.check(),
        () => this.listener.check(),
        () => this.features.check(),
      ]);
      this.record([]);
      return result;
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) {
        throw error;
      }
      const notReady = new NotReadyException(error.getResponse() as HealthCheckResult);
      this.record(notReady.failing, notReady.message);
      throw notReady;
    }
  }

  private record(failing: string[], message?: string): void {
    const key = failing.join(',');
    if (key === this.lastFailing) {
      return;
    }
    this.lastFailing = key;
    if (failing.length === 0) {
      this.logger.log('ready');
    } else {
      this.logger.warn(message ?? `not ready: ${key}`);
    }
  }
}

import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { AppConfig } from '../../config/app-config';

/**
 * Which optional features this instance runs with (AUTH_ENABLED, PAYMENTS_ENABLED). Never down: a
 * feature switched off is a configuration, not an outage. Reported beside the checks so that a
 * rollout that flips a flag on some replicas only shows in the probes of each replica.
 */
@Injectable()
export class FeaturesHealthIndicator {
  private readonly features: { auth: boolean; payments: boolean };

  constructor(
    private readonly health: HealthIndicatorService,
    config: ConfigService<AppConfig, true>,
  ) {
    this.features = {
      auth: config.getOrThrow('auth', { infer: true }).enabled,
      payments: config.getOrThrow('payments', { infer: true }).enabled,
    };
  }

  check(key = 'features'): HealthIndicatorResult {
    return this.health.check(key).up(this.features);
  }
}

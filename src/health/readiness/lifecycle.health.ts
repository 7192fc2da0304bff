import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { LifecycleState } from '../../lifecycle/lifecycle-state';

/**
 * Ready only in READY: before startup has finished and from the first shutdown signal on, the load
 * balancer must stop sending traffic. Read on every probe (never cached), so a drain turns
 * readiness to 503 at once.
 */
@Injectable()
export class LifecycleHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly state: LifecycleState,
  ) {}

  check(key = 'lifecycle'): HealthIndicatorResult {
    const indicator = this.health.check(key);
    return this.state.isReady
      ? indicator.up({ phase: this.state.phase })
      : indicator.down({ phase: this.state.phase });
  }
}

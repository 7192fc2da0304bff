import { AgentModule } from '../agent';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthTokenGuard } from './auth/health-token.guard';
import { HealthController } from './health.controller';
import { DatabaseHealthIndicator } from './readiness/database.health';
import { FeaturesHealthIndicator } from './readiness/features.health';
import { LifecycleHealthIndicator } from './readiness/lifecycle.health';
import { ListenerHealthIndicator } from './readiness/listener.health';
import { ReadinessService } from './readiness/readiness.service';
import { HealthStatusService } from './status/health-status.service';

/**
 * Probes and the status page. Terminus' own logger is off: it logs every failed probe at error
 * level (once a second per prober during an outage); ReadinessService logs changes instead.
 * Terminus' graceful-shutdown sleep is not used: the lifecycle module owns the drain.
 */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), AgentModule],
  controllers: [HealthController],
  providers: [
    ReadinessService,
    DatabaseHealthIndicator,
    FeaturesHealthIndicator,
    LifecycleHealthIndicator,
    ListenerHealthIndicator,
    HealthStatusService,
    HealthTokenGuard,
  ],
})
export class HealthModule {}

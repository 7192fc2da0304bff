import { Global, Module } from '@nestjs/common';
import { ConnectionClosePolicy } from './connection-close-policy';
import { FlushLogsStep } from './flush-logs.step';
import { HttpDrainer } from './http-drainer';
import { HttpServerTracking } from './http-server-tracking';
import { HttpSockets } from './http-sockets';
import { InFlightRequests } from './in-flight-requests';
import { LifecycleState } from './lifecycle-state';
import { LongLivedConnections } from './long-lived-connections';
import { ShutdownPhaseMetrics } from './shutdown-phase.metrics';
import { ShutdownSequence } from './shutdown-sequence';
import { ShutdownSteps } from './shutdown-steps';
import { StartupChecks } from './startup-checks';

/**
 * The lifecycle's small public API (state, in-flight requests, long-lived connection and shutdown
 * step registration) and the shutdown itself. Feature modules depend on it; it knows nothing of
 * them. Start reading at shutdown-signals.ts, then shutdown-sequence.ts.
 */
@Global()
@Module({
  providers: [
    LifecycleState,
    InFlightRequests,
    LongLivedConnections,
    ShutdownSteps,
    StartupChecks,
    ConnectionClosePolicy,
    HttpSockets,
    HttpServerTracking,
    HttpDrainer,
    FlushLogsStep,
    ShutdownPhaseMetrics,
    ShutdownSequence,
  ],
  exports: [LifecycleState, InFlightRequests, LongLivedConnections, ShutdownSteps, StartupChecks],
})
export class LifecycleModule {}

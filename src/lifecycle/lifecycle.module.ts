import { Global, Module } from '@nestjs/common';
import { InFlightRequests } from './in-flight-requests';
import { LifecycleState } from './lifecycle-state';
import { LongLivedConnections } from './long-lived-connections';
import { ShutdownSequence } from './shutdown-sequence';
import { ShutdownSteps } from './shutdown-steps';

/**
 * The lifecycle's small public API (state, in-flight requests, long-lived connection and shutdown
 * step registration). Feature modules depend on it; it knows nothing of them.
 */
@Global()
@Module({
  providers: [
    LifecycleState,
    InFlightRequests,
    LongLivedConnections,
    ShutdownSteps,
    ShutdownSequence,
  ],
  exports: [LifecycleState, InFlightRequests, LongLivedConnections, ShutdownSteps],
})
export class LifecycleModule {}

import { Injectable, Optional } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ResyncEvent, SessionLiveEventType } from '../gateway.events';

/** The gateway's own metric names (connection counts are exported by health, per kind). */
export const GATEWAY_METRIC_NAMES = {
  /** Live events resolved on this instance (once per event, not per client), label `type`. */
  liveEvents: 'gateway_live_events_total',
  /** NOTIFY received → handed to this instance's sockets and streams (DB read and queue included). */
  liveEventLag: 'gateway_live_event_lag_seconds',
  /** `resync` hints sent, label `reason` (listener_reconnected, event_unavailable). */
  resyncHints: 'gateway_resync_hints_total',
  /** Sessions watched by at least one local socket room or SSE stream. */
  watchedSessions: 'gateway_watched_sessions',
} as const;

/**
 * Fan-out metrics in the app's Registry (MetricsModule). Optional, so the gateway also runs in an
 * app without metrics; then recording is a no-op.
 */
@Injectable()
export class LiveEventsMetrics {
  private readonly events: Counter<'type'> | undefined;
  private readonly lag: Histogram | undefined;
  private readonly resyncs: Counter<'reason'> | undefined;
  private watched: () => number = () => 0;

  constructor(@Optional() registry?: Registry) {
    if (!registry) {
      return;
    }
    const registers = [registry];
    this.events = new Counter({
      name: GATEWAY_METRIC_NAMES.liveEvents,
      help: 'Live events resolved and fanned out by this instance, once per event',
      labelNames: ['type'],
      registers,
    });
    this.lag = new Histogram({
      name: GATEWAY_METRIC_NAMES.liveEventLag,
      help: 'From a NOTIFY reaching this instance to its event being handed to local clients',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.resyncs = new Counter({
      name: GATEWAY_METRIC_NAMES.resyncHints,
      help: 'resync hints sent to the watchers of a session',
      labelNames: ['reason'],
      registers,
    });
    const read = (): number => this.watched();
    new Gauge({
      name: GATEWAY_METRIC_NAMES.watchedSessions,
      help: 'Sessions watched by at least one local socket room or SSE stream',
      registers,
      collect() {
        this.set(read());
      },
    });
  }

  watchedSessionsFrom(read: () => number): void {
    this.watched = read;
  }

  delivered(type: SessionLiveEventType, receivedAt: number): void {
    this.events?.inc({ type });
    this.lag?.observe((performance.now() - receivedAt) / 1000);
  }

  resync(reason: ResyncEvent['reason']): void {
    this.resyncs?.inc({ reason });
  }
}

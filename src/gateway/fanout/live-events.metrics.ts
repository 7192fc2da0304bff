import { Injectable, Optional } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRIC_NAMES } from '../../common/metrics/metric-names';
import type { ResyncEvent, SessionLiveEventType } from '../gateway.events';

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
      name: METRIC_NAMES.gatewayLiveEvents,
      help: 'Live events resolved and fanned out by this instance, once per event',
      labelNames: ['type'],
      registers,
    });
    this.lag = new Histogram({
      name: METRIC_NAMES.gatewayLiveEventLag,
      help: 'From a NOTIFY reaching this instance to its event being handed to local clients',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.resyncs = new Counter({
      name: METRIC_NAMES.gatewayResyncHints,
      help: 'resync hints sent to the watchers of a session',
      labelNames: ['reason'],
      registers,
    });
    const read = (): number => this.watched();
    new Gauge({
      name: METRIC_NAMES.gatewayWatchedSessions,
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

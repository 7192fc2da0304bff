import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { NotificationListener } from '../../database/notification-listener';
import { InFlightRequests } from '../../lifecycle/in-flight-requests';
import { LifecyclePhase, LifecycleState } from '../../lifecycle/lifecycle-state';
import { LongLivedConnections } from '../../lifecycle/long-lived-connections';
import { databasePoolStats } from '../status/database-pool';
import { METRIC_NAMES } from '../../common/metrics/metric-names';

/**
 * Gauges of state the process already holds, read lazily in `collect()` at scrape time: nothing
 * to keep in sync, and nothing runs between scrapes.
 */
@Injectable()
export class StateMetrics {
  constructor(
    registry: Registry,
    config: ConfigService<AppConfig, true>,
    inFlight: InFlightRequests,
    lifecycle: LifecycleState,
    longLived: LongLivedConnections,
    dataSource: DataSource,
    listener: NotificationListener,
  ) {
    const registers = [registry];
    const app = config.getOrThrow('app', { infer: true });

    new Gauge({
      name: METRIC_NAMES.appInfo,
      help: 'Build and runtime information; always 1',
      labelNames: ['version', 'node_version', 'environment'],
      registers,
    }).set({ version: app.version, node_version: process.version, environment: app.env }, 1);

    new Gauge({
      name: METRIC_NAMES.httpRequestsInFlight,
      help: 'HTTP responses not yet finished (the scrape itself included)',
      registers,
      collect() {
        this.set(inFlight.count);
      },
    });

    new Gauge({
      name: METRIC_NAMES.lifecyclePhase,
      help: 'Lifecycle phase: 1 for the current phase, 0 for the others',
      labelNames: ['phase'],
      registers,
      collect() {
        for (const phase of Object.values(LifecyclePhase)) {
          this.set({ phase }, phase === lifecycle.phase ? 1 : 0);
        }
      },
    });

    const pool = (name: string, help: string, read: (stats: PoolStatsReader) => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(databasePoolStats(dataSource)));
        },
      });
    };
    pool(METRIC_NAMES.dbPoolConnections, 'Open database pool connections', (s) => s.total);
    pool(METRIC_NAMES.dbPoolIdleConnections, 'Idle database pool connections', (s) => s.idle);
    pool(
      METRIC_NAMES.dbPoolWaitingQueries,
      'Queries waiting for a free pool connection',
      (s) => s.waiting,
    );
    pool(METRIC_NAMES.dbPoolMaxConnections, 'Database pool size limit', (s) => s.max);

    new Gauge({
      name: METRIC_NAMES.dbListenerUp,
      help: '1 while the LISTEN connection for domain events is up',
      registers,
      collect() {
        this.set(listener.isListening() ? 1 : 0);
      },
    });

    new Gauge({
      name: METRIC_NAMES.longLivedConnections,
      help: 'Open long-lived connections (SSE streams, socket.io clients) by kind',
      labelNames: ['kind'],
      registers,
      collect() {
        this.reset();
        for (const [kind, count] of Object.entries(longLived.counts())) {
          this.set({ kind }, count);
        }
      },
    });
  }
}

type PoolStatsReader = ReturnType<typeof databasePoolStats>;

import { ModelStatus, RunWorker } from '../../agent';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { NotificationListener } from '../../database/notification-listener';
import { InFlightRequests } from '../../lifecycle/in-flight-requests';
import { LifecycleState } from '../../lifecycle/lifecycle-state';
import { LongLivedConnections } from '../../lifecycle/long-lived-connections';
import type { HealthInfoDto } from '../dto/health-info.dto';
import type { HealthStatusDto } from '../dto/health-status.dto';
import { databasePoolStats } from './database-pool';

const toMb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Reads state the process already holds; never does I/O, so it answers during an outage too. */
@Injectable()
export class HealthStatusService {
  private readonly config: Pick<
    AppConfig,
    'app' | 'db' | 'docs' | 'health' | 'agent' | 'auth' | 'payments'
  >;

  constructor(
    config: ConfigService<AppConfig, true>,
    private readonly lifecycle: LifecycleState,
    private readonly inFlight: InFlightRequests,
    private readonly longLived: LongLivedConnections,
    private readonly dataSource: DataSource,
    private readonly listener: NotificationListener,
    private readonly model: ModelStatus,
    private readonly runs: RunWorker,
  ) {
    this.config = {
      app: config.getOrThrow('app', { infer: true }),
      db: config.getOrThrow('db', { infer: true }),
      docs: config.getOrThrow('docs', { infer: true }),
      health: config.getOrThrow('health', { infer: true }),
      agent: config.getOrThrow('agent', { infer: true }),
      auth: config.getOrThrow('auth', { infer: true }),
      payments: config.getOrThrow('payments', { infer: true }),
    };
  }

  info(): HealthInfoDto {
    return {
      status: this.lifecycle.isReady
        ? 'ok'
        : (this.lifecycle.phase.toLowerCase() as HealthInfoDto['status']),
      timestamp: new Date().toISOString(),
      environment: this.config.app.env,
      version: this.config.app.version,
    };
  }

  status(): HealthStatusDto {
    const memory = process.memoryUsage();
    return {
      lifecycle: this.lifecycle.phase,
      uptimeSeconds: Math.round(process.uptime() * 10) / 10,
      version: this.config.app.version,
      nodeVersion: process.version,
      environment: this.config.app.env,
      memoryMb: {
        heapUsed: toMb(memory.heapUsed),
        heapTotal: toMb(memory.heapTotal),
        rss: toMb(memory.rss),
      },
      database: {
        pool: databasePoolStats(this.dataSource),
        listening: this.listener.isListening(),
      },
      requests: { inFlight: this.inFlight.count, completed: this.inFlight.completedTotal },
      connections: this.longLived.counts(),
      agent: {
        ...this.model.description,
        runsEnabled: this.config.agent.runsEnabled,
        runningHere: this.runs.runningCount,
        queued: this.runs.lastCounts?.queued ?? null,
        running: this.runs.lastCounts?.running ?? null,
        countedAt: this.runs.lastCounts?.at ?? null,
        lastProviderError: this.model.lastError ?? null,
      },
      features: {
        docs: this.config.docs.enabled,
        healthToken: this.config.health.token !== undefined,
        migrationsRun: this.config.db.migrationsRun,
        auth: this.config.auth.enabled,
        payments: this.config.payments.enabled,
      },
    };
  }
}

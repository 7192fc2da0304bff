import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { DatabasePing, type PingResult } from './database-ping';
import { SingleFlightCache } from './single-flight-cache';

/** Kubernetes' default probe timeout is 1 s; above 1.5 s the probe itself would fail first. */
export const DATABASE_PING_TIMEOUT_MS = 1_500;
/** How long one ping's answer serves every probe that follows. */
export const READINESS_CACHE_TTL_MS = 1_000;

/**
 * Readiness check of the database: a `SELECT 1` through the application's own pool (so it fails
 * when the app could not query either), cached and shared by concurrent probes.
 */
@Injectable()
export class DatabaseHealthIndicator {
  private readonly ping: DatabasePing;
  private readonly cache = new SingleFlightCache<PingResult>(READINESS_CACHE_TTL_MS);

  constructor(
    private readonly health: HealthIndicatorService,
    dataSource: DataSource,
  ) {
    this.ping = new DatabasePing(() => dataSource.query('SELECT 1'), DATABASE_PING_TIMEOUT_MS);
  }

  async check(key = 'database'): Promise<HealthIndicatorResult> {
    const result = await this.cache.get(() => this.ping.ping());
    const indicator = this.health.check(key);
    return result.up
      ? indicator.up({ latencyMs: result.latencyMs })
      : indicator.down({ message: result.message });
  }
}

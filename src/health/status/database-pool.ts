import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

export interface PoolStats {
  /** Connections open (idle + checked out). */
  total: number;
  idle: number;
  /** Queries queued for a free connection: above 0 for long means the pool is too small. */
  waiting: number;
  max: number;
}

/**
 * Counts of the pg Pool behind TypeORM's Postgres driver (`driver.master`; typed `any` there).
 * Zeros before the pool exists and after it has been closed.
 */
export function databasePoolStats(dataSource: DataSource): PoolStats {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  return {
    total: pool?.totalCount ?? 0,
    idle: pool?.idleCount ?? 0,
    waiting: pool?.waitingCount ?? 0,
    max: pool?.options.max ?? 0,
  };
}

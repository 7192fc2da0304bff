import { setTimeout as sleep } from 'node:timers/promises';
import { type DataSource, MigrationExecutor, type QueryRunner } from 'typeorm';

/** Startup stops with this when migrations are pending and may not run here (production default). */
export class PendingMigrationsError extends Error {
  constructor(readonly names: string[]) {
    super(
      `${names.length} pending migration(s): ${names.join(', ')} — run them (npm run migration:run, or DB_MIGRATIONS_RUN=true on one instance) before starting`,
    );
    this.name = 'PendingMigrationsError';
  }
}

/**
 * A fixed key for pg_advisory_lock: several replicas starting at once against one database
 * serialise their migration runs on it, so none runs a migration twice and the later ones find
 * nothing pending.
 */
export const MIGRATION_LOCK_KEY = 727_274_001;

/**
 * Polls pg_try_advisory_lock rather than blocking in pg_advisory_lock: a replica waiting behind
 * another's long migration must not hit statement_timeout; STARTUP_TIMEOUT_MS bounds the wait.
 */
async function waitForLock(lockHolder: QueryRunner): Promise<void> {
  for (;;) {
    const rows = (await lockHolder.query('SELECT pg_try_advisory_lock($1) AS locked', [
      MIGRATION_LOCK_KEY,
    ])) as Array<{ locked: boolean }>;
    if (rows[0]?.locked === true) {
      return;
    }
    await sleep(200);
  }
}

export interface MigrationOutcome {
  applied: string[];
}

/**
 * Applies pending migrations under the advisory lock when `run` is set; otherwise verifies none is
 * pending. The lock is held on one dedicated connection for the whole run (advisory locks belong
 * to a session, and TypeORM takes its own pooled connections for the migrations themselves).
 */
export async function applyOrVerifyMigrations(
  dataSource: DataSource,
  run: boolean,
): Promise<MigrationOutcome> {
  if (!run) {
    const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
    if (pending.length > 0) {
      throw new PendingMigrationsError(pending.map((migration) => migration.name));
    }
    return { applied: [] };
  }
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    await waitForLock(lockHolder);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return { applied: applied.map((migration) => migration.name) };
  } finally {
    await lockHolder
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    await lockHolder.release();
  }
}

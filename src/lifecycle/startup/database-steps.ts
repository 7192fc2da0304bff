import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import type { RawEnv } from '../../config/env.schema';
import { describeDatabaseUrl } from '../../database/data-source-options';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../database/embedded-postgres';
import { openDatabase } from '../../database/open-database';
import { applyOrVerifyMigrations } from '../../database/schema-migrations';
import { ENTITIES } from '../../entities';
import type { BootLogger } from './boot-logger';

/** For zero-setup runs: loadEnv has already refused an unset DATABASE_URL in production and staging. */
export async function startEmbeddedDatabase(
  env: RawEnv,
  log: BootLogger,
): Promise<EmbeddedDatabase> {
  const embedded = await startEmbeddedPostgres({
    dataDir: env.EMBEDDED_PG_DATA_DIR,
    port: env.EMBEDDED_PG_PORT,
    database: 'renovation',
    onLog: (line) => log.debug({ component: 'embedded-postgres' }, line),
  });
  log.info(`embedded Postgres started (${describeDatabaseUrl(embedded.url)})`);
  return embedded;
}

/** The "database" step: connected within DB_CONNECT_TIMEOUT_MS, each retry logged. */
export function connectDatabase(db: AppConfig['db'], log: BootLogger): Promise<DataSource> {
  return openDatabase(db, ENTITIES, { warn: (message: string) => log.warn(message) });
}

/** The "migrations" step: applied under the advisory lock, or verified none is pending. */
export async function migrateDatabase(
  dataSource: DataSource,
  db: AppConfig['db'],
  log: BootLogger,
): Promise<void> {
  const { applied } = await applyOrVerifyMigrations(dataSource, db.migrationsRun);
  log.info({ applied }, `migrations: ${applied.length} applied`);
}

/**
 * Both steps, untimed, for an app built outside the bootstrap (e2e tests, benches): AppModule
 * takes the DataSource they return, exactly as it takes the bootstrap's.
 */
export async function openDatabaseAndMigrate(
  db: AppConfig['db'],
  log: BootLogger,
): Promise<DataSource> {
  const dataSource = await connectDatabase(db, log);
  await migrateDatabase(dataSource, db, log);
  return dataSource;
}

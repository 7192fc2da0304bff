import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testDatabaseUrl } from './test-app';

/**
 * A new, empty database on the run's Postgres server, for tests that need a schema of their own
 * (pending migrations, concurrent migration runs). Dropped by `drop()`.
 */
export async function createScratchDatabase(
  label: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const server = new URL(testDatabaseUrl());
  const name = `scratch_${label}_${randomBytes(4).toString('hex')}`;
  const adminUrl = new URL(server);
  adminUrl.pathname = '/postgres';
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = new Client({ connectionString: adminUrl.toString() });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${dropper.escapeIdentifier(name)} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { testRun } from './test-run';

/**
 * One real Postgres for the whole run: TEST_DATABASE_URL's server when set (CI also runs against
 * the machine's Postgres 15 this way), the embedded one otherwise. Either way a fresh database
 * is created for this run, so leftovers of earlier runs never leak into assertions.
 */
export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl === undefined || serverUrl === '') {
    const embedded = await startEmbeddedPostgres({
      dataDir: '.data/test-postgres',
      port: Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54330),
      database: 'postgres',
    });
    testRun.embedded = embedded;
    serverUrl = embedded.url;
  }
  const database = `renovation_test_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
  await admin.end();

  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  testRun.serverUrl = serverUrl;
  testRun.database = database;
  // Workers are forked after global setup and inherit this.
  process.env.TEST_RUN_DATABASE_URL = url.toString();
}

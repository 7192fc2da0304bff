import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { createDatabase } from './create-database';
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
  testRun.database = await createDatabase(
    serverUrl,
    `renovation_test_${process.pid}_${Date.now()}`,
  );
  // Workers are forked after global setup and inherit this.
  process.env.TEST_RUN_DATABASE_URL = testRun.database.url;
}

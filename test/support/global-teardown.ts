import { Client } from 'pg';
import { testRun } from './test-run';

export default async function globalTeardown(): Promise<void> {
  if (testRun.serverUrl !== undefined && testRun.database !== undefined) {
    const admin = new Client({ connectionString: testRun.serverUrl });
    await admin.connect();
    await admin.query(
      `DROP DATABASE IF EXISTS ${admin.escapeIdentifier(testRun.database)} WITH (FORCE)`,
    );
    await admin.end();
  }
  await testRun.embedded?.stop();
}

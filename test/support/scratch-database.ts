import { randomBytes } from 'node:crypto';
import { type CreatedDatabase, createDatabase } from './create-database';
import { testDatabaseUrl } from './test-app';

/**
 * A new, empty database beside the run's, for tests that need a schema of their own (pending
 * migrations, concurrent migration runs). The random suffix keeps parallel suites apart.
 */
export function createScratchDatabase(label: string): Promise<CreatedDatabase> {
  return createDatabase(testDatabaseUrl(), `scratch_${label}_${randomBytes(4).toString('hex')}`);
}

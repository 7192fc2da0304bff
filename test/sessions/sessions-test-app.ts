import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { createTestApp, type TestAppOptions } from '../support/test-app';

/**
 * An app whose every request acts as `ownerId` (a fresh one per suite unless given), so suites
 * running in parallel on the same database never see each other's sessions.
 */
export async function createSessionsTestApp(
  options: TestAppOptions & { ownerId?: string } = {},
): Promise<{ app: INestApplication; ownerId: string; actAs: (ownerId: string) => void }> {
  let current = options.ownerId ?? randomUUID();
  const app = await createTestApp({ ...options, ownerOf: () => current });
  return {
    app,
    ownerId: current,
    actAs: (ownerId: string) => {
      current = ownerId;
    },
  };
}

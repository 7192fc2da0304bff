import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { PrincipalResolver } from '../../src/sessions/principal/principal';
import { createTestApp, type TestAppOptions } from '../support/test-app';

/**
 * An app whose every request acts as `ownerId` (a fresh one per suite unless given), so suites
 * running in parallel on the same database never see each other's sessions.
 */
export async function createSessionsTestApp(
  options: TestAppOptions & { ownerId?: string } = {},
): Promise<{ app: INestApplication; ownerId: string; actAs: (ownerId: string) => void }> {
  let current = options.ownerId ?? randomUUID();
  const resolver = { resolve: () => ({ ownerId: current }) };
  const app = await createTestApp({
    ...options,
    customize: (builder) =>
      (options.customize ? options.customize(builder) : builder)
        .overrideProvider(PrincipalResolver)
        .useValue(resolver),
  });
  return {
    app,
    ownerId: current,
    actAs: (ownerId: string) => {
      current = ownerId;
    },
  };
}

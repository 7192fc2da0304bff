import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { App } from 'supertest/types';
import { createTestApp, type TestAppOptions } from '../support/test-app';

export interface SessionsTestApp {
  app: INestApplication;
  /** The app's HTTP server, for supertest. */
  server: App;
  ownerId: string;
  /** Makes every later request act as `ownerId` (a stranger to the suite's sessions, say). */
  actAs(ownerId: string): void;
}

/**
 * An app whose every request acts as `ownerId` (a fresh one per suite unless given), so suites
 * running in parallel on the same database never see each other's sessions.
 */
export async function createSessionsTestApp(
  options: TestAppOptions & { ownerId?: string } = {},
): Promise<SessionsTestApp> {
  let current = options.ownerId ?? randomUUID();
  const app = await createTestApp({ ...options, ownerOf: () => current });
  return {
    app,
    server: app.getHttpServer() as App,
    ownerId: current,
    actAs: (ownerId: string) => {
      current = ownerId;
    },
  };
}

/**
 * The suite hooks around createSessionsTestApp: the app is created before the suite's tests,
 * closed after them, and acts as the suite's own owner again after each test, whoever a test
 * switched to. The fields are set once beforeAll has run: read them inside tests and hooks.
 */
export function useSessionsTestApp(): SessionsTestApp {
  const suite = {} as SessionsTestApp;
  beforeAll(async () => {
    Object.assign(suite, await createSessionsTestApp());
  });
  afterAll(async () => {
    await suite.app?.close();
  });
  afterEach(() => suite.actAs(suite.ownerId));
  return suite;
}

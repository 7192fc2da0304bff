import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { createScratchDatabase } from './scratch-database';
import { createTestApp } from './test-app';

export interface AssistantApp {
  app: INestApplication;
  server: Server;
  /** http://127.0.0.1:<port>, for socket.io, EventSource and fetch clients. */
  base: string;
  close(): Promise<void>;
}

/**
 * The production stack in-process with the assistant answering runs (offline unless `env` says
 * otherwise), listening on a free port, on a database of its own: its runs never answer the
 * messages of a suite running beside it. `close()` stops the app and drops the database.
 */
export async function createAssistantApp(
  label: string,
  env: Record<string, string> = {},
): Promise<AssistantApp> {
  const scratch = await createScratchDatabase(label);
  const app = await createTestApp({
    listen: true,
    env: {
      DATABASE_URL: scratch.url,
      AGENT_RUNS_ENABLED: 'true',
      AGENT_PROVIDER: 'offline',
      ...env,
    },
  });
  const server = app.getHttpServer() as Server;
  const { port } = server.address() as { port: number };
  return {
    app,
    server,
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close();
      await scratch.drop();
    },
  };
}

import { Client } from 'pg';
import {
  judgeLoad,
  healthAndMessageRequests,
  KeepAliveLoad,
  requestJson,
} from '../support/keep-alive-load';
import { type LogLine, ServerProcess, stopStartedServers } from '../support/server-process';
import { testDatabaseUrl } from '../support/test-app';

/**
 * The built server under keep-alive load, a real SIGTERM, and what the clients saw: no request
 * lost, and every acknowledged message stored. Log level info so the "shutdown started" line (its time) and the summary are read.
 */
const DRAIN_DELAY_MS = 300;

async function startServer(): Promise<{ server: ServerProcess; port: number }> {
  const server = ServerProcess.start({
    DATABASE_URL: testDatabaseUrl(),
    PORT: '0',
    SHUTDOWN_DRAIN_DELAY_MS: String(DRAIN_DELAY_MS),
  });
  return { server, port: await server.started() };
}

async function createSession(port: number): Promise<string> {
  const created = await requestJson(port, 'POST', '/api/sessions', { title: 'drain under load' });
  expect(created.status).toBe(201);
  return (created.body as { id: string }).id;
}

const isStart = (line: LogLine): boolean => String(line.msg).startsWith('shutdown started');
const isSummary = (line: LogLine): boolean => String(line.msg).startsWith('shutdown complete');

describe('SIGTERM under keep-alive load', () => {
  afterEach(stopStartedServers);

  it('should lose no accepted request, tell every later client to close, and exit 0 promptly', async () => {
    const { server, port } = await startServer();
    const sessionId = await createSession(port);
    const load = KeepAliveLoad.start({
      port,
      connections: 32,
      trickleMs: 300,
      next: healthAndMessageRequests(sessionId, 'worker'),
    });
    await load.untilResponses(150);

    const signalledAt = Date.now();
    server.kill('SIGTERM');
    const { code } = await server.exited;
    const exitMs = Date.now() - signalledAt;
    await load.finished();

    const drainStartedAt = Number(server.lines.find(isStart)?.time);
    const verdict = judgeLoad(load.records, drainStartedAt);
    const midFlight = load.records.filter(
      (record) => record.startedAt < signalledAt && record.endedAt > signalledAt,
    );
    const longestMs = Math.max(...load.records.map((record) => record.endedAt - record.startedAt));

    expect(verdict.lost).toEqual([]);
    expect(midFlight.filter((record) => record.method === 'POST').length).toBeGreaterThan(0);
    expect(verdict.answeredAfterDrain).toBeGreaterThan(0);
    expect(verdict.keptAliveAfterDrain).toEqual([]);
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(DRAIN_DELAY_MS + longestMs + 1000);
    expect(server.lines.find(isSummary)).toMatchObject({ signal: 'SIGTERM', requestsCut: 0 });
  });

  it('should have every message acknowledged with 201 in the database afterwards', async () => {
    const { server, port } = await startServer();
    const sessionId = await createSession(port);
    const load = KeepAliveLoad.start({
      port,
      connections: 32,
      trickleMs: 300,
      next: (worker, sequence) => ({
        method: 'POST',
        path: `/api/sessions/${sessionId}/messages`,
        body: { content: `ack ${worker}/${sequence}` },
      }),
    });
    await load.untilResponses(100);
    server.kill('SIGTERM');
    const { code } = await server.exited;
    await load.finished();

    const acknowledged = load.records
      .filter((record) => record.outcome === 'response' && record.status === 201)
      .map((record) => (JSON.parse(record.body ?? '{}') as { id: string }).id);
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    try {
      const stored = await db.query<{ id: string }>(
        'SELECT id FROM messages WHERE session_id = $1 AND id = ANY($2::uuid[])',
        [sessionId, acknowledged],
      );
      expect(acknowledged.length).toBeGreaterThan(100);
      expect(stored.rowCount).toBe(acknowledged.length);
    } finally {
      await db.end();
    }
    expect(code).toBe(0);
  });
});

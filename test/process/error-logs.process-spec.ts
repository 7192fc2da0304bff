import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { ErrorEnvelope } from '../../src/common/errors/error-envelope';
import { LiveSocket } from '../support/live-clients';
import { postCreated } from '../support/post-created';
import { type LogLine, type ServerProcess, stopStartedServers } from '../support/server-process';
import { startTestServer, testDatabaseUrl } from '../support/test-app';

const STATEMENT_TIMEOUT_MS = 1000;

/**
 * A real database failure of a statement that carries a user's text: the messages table locked
 * by another connection, so the INSERT runs into statement_timeout (57014, answered 503). The
 * error typeorm raises carries the statement's parameters; the log must name the failure and
 * never the text.
 */
describe('error logs of the real process (process)', () => {
  let server: ServerProcess;
  let base: string;
  let locker: Client;

  beforeAll(async () => {
    ({ server, url: base } = await startTestServer({
      DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
    }));
  });

  beforeEach(async () => {
    locker = new Client({ connectionString: testDatabaseUrl() });
    await locker.connect();
  });

  afterEach(async () => {
    await locker.end();
  });

  afterAll(stopStartedServers);

  /** Runs `write` while another connection holds the messages table exclusively. */
  async function withMessagesLocked<T>(write: () => Promise<T>): Promise<T> {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE messages IN ACCESS EXCLUSIVE MODE');
    try {
      return await write();
    } finally {
      await locker.query('ROLLBACK');
    }
  }

  const failedStatementLine = (line: LogLine): boolean =>
    (line.err as { code?: unknown } | undefined)?.code === '57014';

  it('should log a failed REST write by its code and statement shape, without its text', async () => {
    const session = await postCreated<{ id: string }>(`${base}/api/sessions`, { title: 'Loft' });
    const secret = `kitchen secret ${randomUUID()}`;

    const status = await withMessagesLocked(async () => {
      const response = await fetch(`${base}/api/sessions/${session.id}/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ content: secret }),
      });
      return response.status;
    });

    expect(status).toBe(503);
    const line = await server.waitFor(
      (candidate) => failedStatementLine(candidate) && candidate.msg?.startsWith('POST ') === true,
    );
    expect(line.err).toMatchObject({
      type: 'QueryFailedError',
      code: '57014',
      query: expect.stringContaining('INSERT INTO') as string,
    });
    expect(line.err).not.toHaveProperty('parameters');
    expect(server.rawOutput.join('\n')).not.toContain(secret);
  });

  it('should log a failed socket.io write the same way', async () => {
    const session = await postCreated<{ id: string }>(`${base}/api/sessions`, { title: 'Shed' });
    const secret = `garden secret ${randomUUID()}`;
    const socket = await LiveSocket.connect(base);
    try {
      const ack = await withMessagesLocked(() =>
        socket.request<ErrorEnvelope>('message:create', { sessionId: session.id, content: secret }),
      );

      expect(ack.statusCode).toBe(503);
      await server.waitFor(
        (candidate) =>
          failedStatementLine(candidate) && candidate.msg?.startsWith('socket.io event') === true,
      );
      expect(server.rawOutput.join('\n')).not.toContain(secret);
    } finally {
      socket.close();
    }
  });
});

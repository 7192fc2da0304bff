import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { LiveEventSource, LiveSocket } from '../support/live-clients';
import { type AssistantApp, createAssistantApp } from '../support/assistant-app';
import { type RunView, runsOf, until } from '../support/run-state';
import { OFFLINE_NOTICE } from '../../src/agent/providers/offline/offline-replies';

interface Delta {
  runId: string;
  attempt: number;
  offset: number;
  text: string;
}
interface Message {
  id: string;
  seq: number;
  role: string;
  content: string;
}

/** The reply as a client rebuilds it: the text it was given, then each delta past its end. */
function rebuild(start: string, deltas: readonly Delta[]): string {
  let text = start;
  for (const delta of deltas) {
    if (delta.offset + delta.text.length > text.length) {
      expect(delta.offset).toBeLessThanOrEqual(text.length);
      text = text.slice(0, delta.offset) + delta.text;
    }
  }
  return text;
}

/**
 * The assistant end to end on the offline model: a user message starts a run whose reply streams
 * to socket.io and SSE clients as coalesced deltas, then is stored once as the assistant message.
 * Its own database, so that its runs never answer another suite's messages.
 */
describe('the assistant (e2e)', () => {
  let assistant: AssistantApp;
  let app: INestApplication;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    assistant = await createAssistantApp('assistant', { AGENT_OFFLINE_TOKENS_PER_S: '150' });
    ({ app, server, base } = assistant);
  });

  afterAll(() => assistant.close());

  async function createSession(title: string, totalBudget?: string): Promise<string> {
    const created = await request(server)
      .post('/api/sessions')
      .send({ title, ...(totalBudget === undefined ? {} : { totalBudget }) })
      .expect(201);
    return (created.body as { id: string }).id;
  }

  function post(sessionId: string, content: string) {
    return request(server)
      .post(`/api/sessions/${sessionId}/messages`)
      .send({ content })
      .expect(201);
  }

  it('should answer a user message with one streamed, stored assistant message', async () => {
    const sessionId = await createSession('Kitchen');
    const socket = await LiveSocket.connect(base);
    const sse = new LiveEventSource(`${base}/api/sessions/${sessionId}/events`);
    try {
      await socket.request('session:join', { sessionId });
      await sse.waitFor('snapshot');
      await post(sessionId, 'I want to redo my kitchen cabinets');

      const done = await socket.waitFor<{ runId: string; messageId: string }>('run.completed');
      const reply = await socket.waitFor<Message>('message.created', (m) => m.role === 'assistant');
      expect(reply.id).toBe(done.messageId);
      expect(reply.content).toMatch(/offline assistant/i);
      // Coalesced, not one event per token, and rebuilt exactly on both transports.
      const deltas = socket.events<Delta>('message.delta');
      expect(deltas.length).toBeGreaterThan(0);
      expect(deltas.length).toBeLessThan(reply.content.split(' ').length);
      expect(rebuild('', deltas)).toBe(reply.content.slice(0, rebuild('', deltas).length));
      await sse.waitFor<Message>('message.created', (m) => m.role === 'assistant');
      expect(sse.events('run.started')).toHaveLength(1);
      expect(sse.events('run.completed')).toHaveLength(1);

      const stored = await app
        .get(DataSource)
        .query('SELECT role FROM messages WHERE session_id = $1 ORDER BY seq', [sessionId]);
      expect(stored).toEqual([{ role: 'user' }, { role: 'assistant' }]);
      // The conversation's thread is the session, checkpointed in its own schema.
      const [checkpoints] = await app
        .get(DataSource)
        .query<Array<{ count: string }>>(
          'SELECT count(*) FROM agent_checkpoints.checkpoints WHERE thread_id = $1',
          [sessionId],
        );
      expect(Number(checkpoints?.count)).toBeGreaterThan(0);
      const runs = await request(server).get(`/api/sessions/${sessionId}/runs`).expect(200);
      expect(runs.body).toEqual([
        expect.objectContaining({
          id: done.runId,
          status: 'completed',
          attempt: 1,
          assistantMessageId: reply.id,
          outputTokens: expect.any(Number) as number,
        }),
      ]);
    } finally {
      socket.close();
      sse.close();
    }
  });

  it('should give a client joining mid-reply the text so far, then the rest, without a gap', async () => {
    const sessionId = await createSession('Bathroom', '12000.00');
    const watcher = await LiveSocket.connect(base);
    try {
      await watcher.request('session:join', { sessionId });
      await post(sessionId, 'Plan my bathroom');
      await watcher.waitFor<Delta>('message.delta', (delta) => delta.offset > 0);

      const late = await LiveSocket.connect(base);
      const sse = new LiveEventSource(`${base}/api/sessions/${sessionId}/events`);
      try {
        const ack = await late.request<{ activeRun?: { text: string } }>('session:join', {
          sessionId,
        });
        const snapshot = await sse.waitFor<{ activeRun?: { text: string } }>('snapshot');
        const reply = await late.waitFor<Message>('message.created', (m) => m.role === 'assistant');
        await sse.waitFor<Message>('message.created', (m) => m.role === 'assistant');

        expect(ack.activeRun?.text.length ?? 0).toBeGreaterThan(0);
        const fromSocket = rebuild(ack.activeRun?.text ?? '', late.events<Delta>('message.delta'));
        const fromSse = rebuild(snapshot.activeRun?.text ?? '', sse.events<Delta>('message.delta'));
        // Everything streamed before the final message, continued exactly where the join left off.
        expect(reply.content.startsWith(fromSocket)).toBe(true);
        expect(reply.content.startsWith(fromSse)).toBe(true);
        expect(fromSocket.length).toBeGreaterThan(ack.activeRun?.text.length ?? 0);
      } finally {
        late.close();
        sse.close();
      }
    } finally {
      watcher.close();
    }
  });

  /** Polls the session's runs until `done` holds for them (bounded, to catch a hang). */
  const runsUntil = (sessionId: string, done: (runs: RunView[]) => boolean): Promise<RunView[]> =>
    until(() => runsOf(base, sessionId), done, 'the runs to settle', 15_000);

  it('should queue a second message behind the reply streaming and answer both in order', async () => {
    const sessionId = await createSession('Loft');
    await post(sessionId, 'First: the floor');
    await post(sessionId, 'Second: the windows');
    const runs = await runsUntil(
      sessionId,
      (list) => list.length === 2 && list.every((run) => run.status === 'completed'),
    );

    const stored = await app
      .get(DataSource)
      .query<Array<{ id: string; role: string }>>(
        'SELECT id, role FROM messages WHERE session_id = $1 ORDER BY seq',
        [sessionId],
      );
    expect(stored.map((message) => message.role)).toEqual([
      'user',
      'user',
      'assistant',
      'assistant',
    ]);
    // Newest run first: the older run answered first, with the first assistant message.
    expect(runs.map((run) => run.assistantMessageId)).toEqual([stored[3]?.id, stored[2]?.id]);
    const [second, first] = runs;
    expect(Date.parse(second?.startedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(first?.finishedAt ?? ''),
    );
  });

  it('should stop a reply on cancel and keep what was said so far, marked cancelled', async () => {
    const sessionId = await createSession('Garage');
    const socket = await LiveSocket.connect(base);
    try {
      await socket.request('session:join', { sessionId });
      await post(sessionId, 'Tell me everything about garage floors');
      const started = await socket.waitFor<{ runId: string }>('run.started');
      await socket.waitFor<Delta>('message.delta');
      const cancel = await request(server)
        .post(`/api/sessions/${sessionId}/runs/${started.runId}/cancel`)
        .expect(200);
      expect(cancel.body).toMatchObject({ id: started.runId, cancelRequested: true });

      const cancelled = await socket.waitFor<{ messageId: string | null }>('run.cancelled');
      const [run] = await runsUntil(sessionId, (list) => list[0]?.status === 'cancelled');
      const [kept] = await app
        .get(DataSource)
        .query<Message[]>('SELECT id, role, content FROM messages WHERE id = $1', [
          cancelled.messageId,
        ]);
      expect(kept?.role).toBe('assistant');
      expect(run).toMatchObject({ status: 'cancelled', assistantMessageId: kept?.id });
      expect(socket.events('run.completed')).toHaveLength(0);
      await request(server)
        .post(`/api/sessions/${sessionId}/runs/${started.runId}/cancel`)
        .expect(409);
    } finally {
      socket.close();
    }
  });
});

/** AGENT_MULTITASK: what a message sent while a reply streams does, each mode in its own app. */
describe('a message while a reply streams (e2e)', () => {
  const appWith = (mode: string): Promise<AssistantApp> =>
    createAssistantApp(`multitask_${mode}`, {
      AGENT_OFFLINE_TOKENS_PER_S: '20',
      AGENT_MULTITASK: mode,
    });

  async function streamingSession(
    server: Server,
  ): Promise<{ sessionId: string; socket: LiveSocket }> {
    const created = await request(server)
      .post('/api/sessions')
      .send({ title: 'Porch' })
      .expect(201);
    const sessionId = (created.body as { id: string }).id;
    const address = server.address() as { port: number };
    const socket = await LiveSocket.connect(`http://127.0.0.1:${address.port}`);
    await socket.request('session:join', { sessionId });
    await request(server)
      .post(`/api/sessions/${sessionId}/messages`)
      .send({ content: 'First question' })
      .expect(201);
    await socket.waitFor('message.delta');
    return { sessionId, socket };
  }

  it('should refuse it with 409 under reject, and store nothing', async () => {
    const { app, server, close } = await appWith('reject');
    const { sessionId, socket } = await streamingSession(server);
    try {
      const refused = await request(server)
        .post(`/api/sessions/${sessionId}/messages`)
        .send({ content: 'Second question' })
        .expect(409);
      expect(refused.body).toMatchObject({ success: false, code: 'CONFLICT' });
      expect(String(refused.body.error)).toMatch(/still answering/);
      const users = await app
        .get(DataSource)
        .query<unknown[]>("SELECT 1 FROM messages WHERE session_id = $1 AND role = 'user'", [
          sessionId,
        ]);
      expect(users).toHaveLength(1);
    } finally {
      socket.close();
      await close();
    }
  });

  it('should stop the reply streaming and answer the new message under interrupt', async () => {
    const { server, close } = await appWith('interrupt');
    const { sessionId, socket } = await streamingSession(server);
    try {
      const first = socket.events<{ runId: string }>('run.started')[0];
      await request(server)
        .post(`/api/sessions/${sessionId}/messages`)
        .send({ content: 'Actually, something else' })
        .expect(201);
      const cancelled = await socket.waitFor<{ runId: string }>('run.cancelled');
      expect(cancelled.runId).toBe(first?.runId);
      const started = await socket.waitFor<{ runId: string }>(
        'run.started',
        (event) => event.runId !== first?.runId,
      );
      await socket.waitFor<{ runId: string }>(
        'run.completed',
        (event) => event.runId === started.runId,
      );
    } finally {
      socket.close();
      await close();
    }
  }, 30_000);
});

/** A replica killed mid-reply stops renewing its lease: any other replica takes the run over. */
const SAID_BEFORE = OFFLINE_NOTICE.slice(0, 12);

describe('a run whose replica died (e2e)', () => {
  const appWithRuns = (label: string, env: Record<string, string> = {}): Promise<AssistantApp> =>
    createAssistantApp(label, { AGENT_OFFLINE_TOKENS_PER_S: '0', ...env });

  /**
   * A message and its claim by a replica that is gone, committed together: the run is "running"
   * under a lease that has already run out, and no one here owns it. The gone replica had
   * streamed the first words of the offline reply (`SAID_BEFORE`).
   */
  async function seedDeadClaim(app: INestApplication, server: Server): Promise<string> {
    const created = await request(server).post('/api/sessions').send({ title: 'Shed' }).expect(201);
    const sessionId = (created.body as { id: string }).id;
    await app.get(DataSource).transaction(async (manager) => {
      await manager.query(
        "INSERT INTO messages (session_id, role, content) VALUES ($1, 'user', 'Anyone there?')",
        [sessionId],
      );
      await manager.query(
        `UPDATE agent_runs SET status = 'running', attempt = 1, lease_owner = 'gone',
           lease_expires_at = now() - interval '1 second', started_at = now(),
           partial_text = $2
         WHERE session_id = $1`,
        [sessionId, SAID_BEFORE],
      );
    });
    return sessionId;
  }

  /** The session's run once it has ended (bounded, to catch a hang). */
  const settledRun = async (base: string, sessionId: string): Promise<RunView | undefined> =>
    (
      await until(
        () => runsOf(base, sessionId),
        (runs) => runs[0] !== undefined && !['running', 'queued'].includes(runs[0].status),
        'the run to settle',
        15_000,
      )
    )[0];

  it('should be queued again once its lease expires, answered by the next attempt, once', async () => {
    const { app, server, base, close } = await appWithRuns('lease');
    try {
      const sessionId = await seedDeadClaim(app, server);
      expect(await settledRun(base, sessionId)).toMatchObject({
        status: 'completed',
        attempt: 2,
      });
      const assistant = await app
        .get(DataSource)
        .query<Array<{ content: string }>>(
          "SELECT content FROM messages WHERE session_id = $1 AND role = 'assistant'",
          [sessionId],
        );
      expect(assistant).toHaveLength(1);
      // Continued from what the gone replica had said, not started over: the reply is whole, and
      // what was said before is in it once.
      const content = assistant[0]?.content ?? '';
      expect(content.startsWith(OFFLINE_NOTICE)).toBe(true);
      expect(content.split(SAID_BEFORE)).toHaveLength(2);
      expect(content).toMatch(/when must it be finished\?$/);
    } finally {
      await close();
    }
  }, 30_000);

  it('should fail it with lease_expired, storing nothing, once it has had AGENT_MAX_ATTEMPTS claims', async () => {
    const { app, server, base, close } = await appWithRuns('lease_max', {
      AGENT_MAX_ATTEMPTS: '1',
    });
    try {
      const sessionId = await seedDeadClaim(app, server);
      expect(await settledRun(base, sessionId)).toMatchObject({
        status: 'failed',
        attempt: 1,
        errorCode: 'lease_expired',
      });
      const assistant = await app
        .get(DataSource)
        .query<unknown[]>("SELECT 1 FROM messages WHERE session_id = $1 AND role = 'assistant'", [
          sessionId,
        ]);
      expect(assistant).toHaveLength(0);
    } finally {
      await close();
    }
  }, 30_000);
});

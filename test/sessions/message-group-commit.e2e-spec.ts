import { randomUUID } from 'node:crypto';
import { Client, type Notification } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { parseDomainEvent } from '../../src/sessions/events/domain-event';
import { DOMAIN_EVENTS_CHANNEL } from '../../src/sessions/events/domain-events-channel';
import { SessionNotFoundException } from '../../src/sessions/exceptions/session-not-found.exception';
import { MessagesService } from '../../src/sessions/messages.service';
import { recordStatements } from '../support/recorded-statements';
import { testDatabaseUrl } from '../support/test-app';
import { useSessionsTestApp } from './sessions-test-app';

/**
 * Concurrent posts are committed together (several messages in one statement): each request must
 * still get its own committed row, its own event and its own run, and its own error.
 */
describe('POST /api/sessions/:id/messages, concurrently (group commit)', () => {
  const suite = useSessionsTestApp();
  let listener: Client;
  const created = new Map<string, string>();

  beforeAll(async () => {
    listener = new Client({ connectionString: testDatabaseUrl() });
    await listener.connect();
    listener.on('notification', (message: Notification) => {
      const event = parseDomainEvent(message.payload ?? '');
      if (event?.type === 'message.created') {
        created.set(event.messageId, event.seq);
      }
    });
    await listener.query(`LISTEN ${DOMAIN_EVENTS_CHANNEL}`);
  });

  afterAll(async () => {
    await listener.end();
  });

  /** What `run` sent to Postgres, in order. */
  async function recordingStatements<T>(
    run: () => Promise<T>,
  ): Promise<{ result: T; statements: string[] }> {
    const { result, statements } = await recordStatements(run);
    return { result, statements: statements.map(({ sql }) => sql) };
  }

  async function newSession(title: string): Promise<string> {
    const response = await request(suite.server).post('/api/sessions').send({ title }).expect(201);
    return (response.body as { id: string }).id;
  }

  it('should answer 40 concurrent posts each with its own committed row, event and run, in fewer statements', async () => {
    const sessions = await Promise.all([1, 2, 3, 4].map((i) => newSession(`group ${i}`)));
    const posts = Array.from({ length: 40 }, (_, i) => ({
      sessionId: sessions[i % 4] as string,
      content: `message ${i}`,
    }));
    const { result: responses, statements } = await recordingStatements(() =>
      Promise.all(
        posts.map((post) =>
          request(suite.server)
            .post(`/api/sessions/${post.sessionId}/messages`)
            .send({ content: post.content }),
        ),
      ),
    );
    const inserts = statements.filter((sql) => sql.includes('INSERT INTO messages'));

    const bodies = responses.map((response) => {
      expect(response.status).toBe(201);
      return response.body as { id: string; sessionId: string; seq: number; content: string };
    });
    bodies.forEach((body, i) => {
      expect(body).toMatchObject({ sessionId: posts[i]?.sessionId, content: posts[i]?.content });
    });
    expect(new Set(bodies.map((body) => body.id)).size).toBe(40);
    expect(inserts.length).toBeGreaterThan(0);
    expect(inserts.length).toBeLessThan(40);

    const dataSource = suite.app.get(DataSource);
    const rows = await dataSource.query<Array<{ id: string; seq: string; runs: string }>>(
      `SELECT m.id, m.seq, (SELECT count(*) FROM agent_runs r WHERE r.user_message_id = m.id) AS runs
       FROM messages m WHERE m.session_id = ANY($1::uuid[])`,
      [sessions],
    );
    expect(rows).toHaveLength(40);
    const stored = new Map(rows.map((row) => [row.id, row]));
    for (const body of bodies) {
      expect(stored.get(body.id)?.seq).toBe(String(body.seq));
      expect(stored.get(body.id)?.runs).toBe('1');
    }

    const deadline = Date.now() + 5000;
    while (bodies.some((body) => !created.has(body.id)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const body of bodies) {
      expect(created.get(body.id)).toBe(String(body.seq));
    }
  });

  it('should keep seq in commit order per session across groups', async () => {
    const sessionId = await newSession('ordered');
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        request(suite.server)
          .post(`/api/sessions/${sessionId}/messages`)
          .send({ content: `m${i}` })
          .expect(201),
      ),
    );
    const seqs = responses.map((response) => (response.body as { seq: number }).seq);
    expect(new Set(seqs).size).toBe(30);

    // Commit order: each row's xmin (its transaction) never decreases with seq.
    const rows = await suite.app
      .get(DataSource)
      .query<Array<{ seq: string; tx: string }>>(
        'SELECT seq, xmin::text AS tx FROM messages WHERE session_id = $1 ORDER BY seq',
        [sessionId],
      );
    const transactions = rows.map((row) => Number(row.tx));
    expect(transactions).toEqual([...transactions].sort((a, b) => a - b));
    expect(new Set(transactions).size).toBeLessThan(30);
  });

  it("should refuse only the write whose session is missing or another owner's, in the same statement", async () => {
    const mine = await newSession('mine');
    suite.actAs(randomUUID());
    const theirs = await newSession('theirs');
    suite.actAs(suite.ownerId);
    const messages = suite.app.get(MessagesService);
    const principal = { ownerId: suite.ownerId };
    // Called in the same turn of the event loop: one group.
    const { result: outcomes, statements } = await recordingStatements(() =>
      Promise.allSettled([
        messages.create(principal, mine, { content: 'kept' }),
        messages.create(principal, randomUUID(), { content: 'nowhere' }),
        messages.create(principal, theirs, { content: 'not mine' }),
        messages.create(principal, mine, { content: 'kept too' }),
      ]),
    );

    expect(statements).toHaveLength(1);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(SessionNotFoundException);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(SessionNotFoundException);
    const [{ count }] = await suite.app
      .get(DataSource)
      .query<[{ count: string }]>('SELECT count(*) FROM messages WHERE session_id = $1', [theirs]);
    expect(count).toBe('0');
  });
});

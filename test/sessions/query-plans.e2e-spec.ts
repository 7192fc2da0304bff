import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { MessageRole } from '../../src/sessions/message-role';
import { SessionsService } from '../../src/sessions/sessions.service';
import { insertMessagesStatement } from '../../src/sessions/sql/message.sql';
import { type PlanNode, planOf } from '../support/query-plan';
import { type RecordedStatement, recordStatements } from '../support/recorded-statements';
import { createSessionsTestApp } from './sessions-test-app';

/**
 * Captures the statements a real request sends (through TypeORM's query runner), then checks
 * their plans on a table big enough that Postgres would rather not use an index it need not:
 * every route must avoid sequential scans, and each request be one statement on its success path:
 * a write carries its NOTIFY inside it and runs without BEGIN/COMMIT (one round trip, not four).
 */
describe('query plans and round trips (e2e)', () => {
  let app: INestApplication;
  let server: App;
  let ownerId: string;
  let dataSource: DataSource;
  let sessionId: string;

  beforeAll(async () => {
    ({ app, server, ownerId } = await createSessionsTestApp());
    dataSource = app.get(DataSource);
    // 20 000 sessions of 400 other owners and 40 of ours (other suites' rows come on top).
    await dataSource.query(
      `INSERT INTO sessions (title, owner_id, phase, created_at)
       SELECT 'bulk ' || i, md5((i % 400)::text)::uuid,
              (enum_range(NULL::session_phase))[1 + i % 7],
              now() - (i || ' seconds')::interval
       FROM generate_series(1, 20000) AS i`,
    );
    await dataSource.query(
      `INSERT INTO sessions (title, owner_id, phase, created_at)
       SELECT 'mine ' || i, $1, (enum_range(NULL::session_phase))[1 + i % 7],
              now() - (i || ' minutes')::interval
       FROM generate_series(1, 40) AS i`,
      [ownerId],
    );
    const [first] = await dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM sessions WHERE owner_id = $1 ORDER BY created_at DESC LIMIT 1',
      [ownerId],
    );
    sessionId = first!.id;
    // Conversations interleave in seq order, as concurrent chats do: 3 messages in each of the
    // 20 040 sessions, shuffled, then 200 more in ours. Only the sessions this suite made: suites
    // running beside it delete theirs, and a row read here could be gone by the insert's FK check.
    await dataSource.query(
      `INSERT INTO messages (session_id, role, content)
       SELECT s.id, 'user', 'bulk message'
       FROM sessions s CROSS JOIN generate_series(1, 3)
       WHERE s.owner_id = $1 OR s.title LIKE 'bulk %'
       ORDER BY random()`,
      [ownerId],
    );
    await dataSource.query(
      `INSERT INTO messages (session_id, role, content)
       SELECT $1, 'assistant', 'answer ' || i FROM generate_series(1, 200) AS i`,
      [sessionId],
    );
    await dataSource.query('ANALYZE sessions');
    await dataSource.query('ANALYZE messages');
  });

  afterAll(async () => {
    await app.close();
  });

  /** The statements one HTTP request sent to Postgres, in order. */
  async function statementsOf(send: () => PromiseLike<unknown>): Promise<RecordedStatement[]> {
    return (await recordStatements(send)).statements;
  }

  const planOfStatement = (sql: string, parameters: unknown[]): Promise<PlanNode[]> =>
    planOf(dataSource, sql, parameters);

  it.each([
    ['the first page', () => '/api/sessions?limit=20', 'IDX_sessions_owner_created'],
    ['a phase filter', () => '/api/sessions?phase=PLAN', 'IDX_sessions_owner_phase_created'],
  ])(
    'should list sessions (%s) in one statement through an index, no sequential scan',
    async (_case, url, index) => {
      const statements = await statementsOf(() => request(server).get(url()).expect(200));
      expect(statements).toHaveLength(1);
      const nodes = await planOfStatement(statements[0]!.sql, statements[0]!.parameters);
      expect(nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');
      expect(nodes.map((node) => node['Index Name'])).toContain(index);
    },
  );

  it('should serve a later page through the index too', async () => {
    const first = await request(server).get('/api/sessions?limit=5').expect(200);
    const statements = await statementsOf(() =>
      request(server)
        .get(`/api/sessions?limit=5&cursor=${first.body.nextCursor as string}`)
        .expect(200),
    );
    expect(statements).toHaveLength(1);
    const nodes = await planOfStatement(statements[0]!.sql, statements[0]!.parameters);
    expect(nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    expect(nodes.map((node) => node['Index Name'])).toContain('IDX_sessions_owner_created');
  });

  it('should list messages in one statement through (session_id, seq)', async () => {
    const statements = await statementsOf(() =>
      request(server).get(`/api/sessions/${sessionId}/messages?after=100&limit=50`).expect(200),
    );
    expect(statements).toHaveLength(1);
    const nodes = await planOfStatement(statements[0]!.sql, statements[0]!.parameters);
    expect(nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    expect(nodes.map((node) => node['Index Name'])).toEqual(
      expect.arrayContaining(['PK_sessions', 'IDX_messages_session_seq']),
    );
  });

  it('should plan a group commit of concurrent posts (one statement) by primary key, no sequential scan', async () => {
    const [other] = await dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM sessions WHERE owner_id = $1 AND id <> $2 LIMIT 1',
      [ownerId, sessionId],
    );
    const writes = [sessionId, other!.id, sessionId].map((id, i) => ({
      ownerId,
      sessionId: id,
      role: MessageRole.USER,
      content: `group ${i}`,
    }));
    const statement = insertMessagesStatement(writes);
    expect(statement.sql).toContain('pg_notify');
    const nodes = await planOfStatement(statement.sql, statement.parameters);
    expect(nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    expect(nodes.map((node) => node['Index Name'])).toContain('PK_sessions');
  });

  it('should read one session in one statement by primary key', async () => {
    const statements = await statementsOf(() =>
      request(server).get(`/api/sessions/${sessionId}`).expect(200),
    );
    expect(statements).toHaveLength(1);
    const nodes = await planOfStatement(statements[0]!.sql, statements[0]!.parameters);
    expect(nodes.map((node) => node['Index Name'])).toContain('PK_sessions');
  });

  it('should read sessions asked for together in one statement by primary key, each for its owner only', async () => {
    const mine = await dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM sessions WHERE owner_id = $1 LIMIT 6',
      [ownerId],
    );
    const sessions = app.get(SessionsService);
    const stranger = { ownerId: randomUUID() };
    const { result, statements } = await recordStatements(() =>
      Promise.allSettled([
        ...mine.map(({ id }) => sessions.findOne({ ownerId }, id)),
        // The same session twice, once in upper case, and once as someone else.
        sessions.findOne({ ownerId }, sessionId.toUpperCase()),
        sessions.findOne(stranger, sessionId),
      ]),
    );
    expect(statements).toHaveLength(1);
    expect(
      result.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.id : 404)),
    ).toEqual([...mine.map(({ id }) => id), sessionId, 404]);
    const nodes = await planOfStatement(statements[0]!.sql, statements[0]!.parameters);
    expect(nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    expect(nodes.map((node) => node['Index Name'])).toContain('PK_sessions');
  });

  /** Arranges a case's data (statements not recorded), then returns its one request. */
  type Send = () => PromiseLike<unknown>;
  type WriteCase = () => Send | Promise<Send>;

  async function newSession(title: string): Promise<string> {
    const created = await request(server).post('/api/sessions').send({ title }).expect(201);
    return created.body.id as string;
  }

  it.each<[string, WriteCase]>([
    [
      'create a session',
      () => () => request(server).post('/api/sessions').send({ title: 'n' }).expect(201),
    ],
    [
      'update a session',
      () => () =>
        request(server).patch(`/api/sessions/${sessionId}`).send({ title: 'p' }).expect(200),
    ],
    [
      'update a session with a matching If-Match',
      async () => {
        const current = await request(server).get(`/api/sessions/${sessionId}`).expect(200);
        return () =>
          request(server)
            .patch(`/api/sessions/${sessionId}`)
            .set('If-Match', current.headers.etag as string)
            .send({ title: 'q' })
            .expect(200);
      },
    ],
    [
      'post a message',
      () => () =>
        request(server)
          .post(`/api/sessions/${sessionId}/messages`)
          .send({ content: 'c' })
          .expect(201),
    ],
    [
      'change a phase',
      async () => {
        const id = await newSession('m');
        return () =>
          request(server)
            .post(`/api/sessions/${id}/phase`)
            .send({ phase: 'CHECKLIST' })
            .expect(200);
      },
    ],
    [
      'delete a session and its messages',
      async () => {
        const id = await newSession('d');
        await request(server)
          .post(`/api/sessions/${id}/messages`)
          .send({ content: 'goes too' })
          .expect(201);
        return () => request(server).delete(`/api/sessions/${id}`).expect(204);
      },
    ],
    [
      'create a session with an Idempotency-Key',
      () => () =>
        request(server)
          .post('/api/sessions')
          .set('Idempotency-Key', randomUUID())
          .send({ title: 'k' })
          .expect(201),
    ],
    [
      'post a message with an Idempotency-Key',
      () => () =>
        request(server)
          .post(`/api/sessions/${sessionId}/messages`)
          .set('Idempotency-Key', randomUUID())
          .send({ content: 'k' })
          .expect(201),
    ],
    [
      'delete a session with a matching If-Match',
      async () => {
        const id = await newSession('e');
        return () =>
          request(server).delete(`/api/sessions/${id}`).set('If-Match', '"1"').expect(204);
      },
    ],
  ])(
    'should %s in ONE statement (write and NOTIFY, no BEGIN/COMMIT), no sequential scan',
    async (_case, arrange) => {
      const send = await arrange();
      const statements = await statementsOf(() => send());
      expect(statements).toHaveLength(1);
      expect(statements[0]!.sql).toContain('pg_notify');
      // EXPLAIN without ANALYZE plans the write without running it.
      const nodes = await planOfStatement(statements[0]!.sql, statements[0]!.parameters);
      expect(nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    },
  );

  it.each<[string, WriteCase]>([
    [
      'a stale If-Match (412)',
      () => () =>
        request(server)
          .patch(`/api/sessions/${sessionId}`)
          .set('If-Match', '"999999"')
          .send({ title: 'x' })
          .expect(412),
    ],
    [
      'a stale If-Match on delete (412)',
      () => () =>
        request(server)
          .delete(`/api/sessions/${sessionId}`)
          .set('If-Match', '"999999"')
          .expect(412),
    ],
    [
      'an illegal phase move (409)',
      async () => {
        // A new session is in INTAKE, from where ITERATE is not allowed.
        const id = await newSession('i');
        return () =>
          request(server).post(`/api/sessions/${id}/phase`).send({ phase: 'ITERATE' }).expect(409);
      },
    ],
  ])('should refuse %s with the write plus one SELECT', async (_case, arrange) => {
    const send = await arrange();
    const statements = await statementsOf(() => send());
    expect(statements.map(({ sql }) => sql.trim().split(/\s+/)[0])).toEqual(['WITH', 'SELECT']);
  });

  it('should replay an Idempotency-Key with the keyed write (writing nothing) plus one SELECT of its answer', async () => {
    const key = randomUUID();
    const post = () =>
      request(server)
        .post(`/api/sessions/${sessionId}/messages`)
        .set('Idempotency-Key', key)
        .send({ content: 'once' });
    await post().expect(201);
    const statements = await statementsOf(() => post().expect(201));
    expect(statements.map(({ sql }) => sql.trim().split(/\s+/)[0])).toEqual(['WITH', 'SELECT']);
    const nodes = await planOfStatement(statements[1]!.sql, statements[1]!.parameters);
    expect(nodes.map((node) => node['Index Name'])).toContain('PK_idempotency_keys');
  });

  it.each([
    ['list its messages', () => request(server).get(`/api/sessions/${randomUUID()}/messages`)],
    [
      'post a message to it',
      () => request(server).post(`/api/sessions/${randomUUID()}/messages`).send({ content: 'c' }),
    ],
    ['delete it', () => request(server).delete(`/api/sessions/${randomUUID()}`)],
  ])('should answer 404 to %s for an unknown session in one statement', async (_case, send) => {
    const statements = await statementsOf(() => send().expect(404));
    expect(statements).toHaveLength(1);
  });
});

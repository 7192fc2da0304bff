import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { createSessionsTestApp } from './sessions-test-app';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}

/**
 * Captures the statements a real request sends (through TypeORM's query runner), then checks
 * their plans on a table big enough that Postgres would rather not use an index it need not:
 * every list route must be an index scan, and each request one or two statements plus, for
 * writes, the transaction frame and the NOTIFY.
 */
describe('query plans and round trips (e2e)', () => {
  let app: INestApplication;
  let server: App;
  let ownerId: string;
  let dataSource: DataSource;
  let sessionId: string;

  beforeAll(async () => {
    ({ app, ownerId } = await createSessionsTestApp());
    server = app.getHttpServer() as App;
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
    // 20 040 sessions, shuffled, then 200 more in ours.
    await dataSource.query(
      `INSERT INTO messages (session_id, role, content)
       SELECT s.id, 'user', 'bulk message'
       FROM sessions s CROSS JOIN generate_series(1, 3)
       ORDER BY random()`,
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
  async function statementsOf(
    send: () => Promise<unknown>,
  ): Promise<Array<{ sql: string; parameters: unknown[] }>> {
    const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    try {
      await send();
      return spy.mock.calls.map(([sql, parameters]) => ({
        sql,
        parameters: Array.isArray(parameters) ? (parameters as unknown[]) : [],
      }));
    } finally {
      spy.mockRestore();
    }
  }

  async function planOf(sql: string, parameters: unknown[]): Promise<PlanNode[]> {
    const [row] = await dataSource.query<Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>>(
      `EXPLAIN (FORMAT JSON) ${sql}`,
      parameters,
    );
    return flatten(row!['QUERY PLAN'][0]!.Plan);
  }

  it.each([
    ['the first page', () => '/api/sessions?limit=20', 'IDX_sessions_owner_created'],
    ['a phase filter', () => '/api/sessions?phase=PLAN', 'IDX_sessions_owner_phase_created'],
  ])(
    'should list sessions (%s) in one statement through an index, no sequential scan',
    async (_case, url, index) => {
      const statements = await statementsOf(() => request(server).get(url()).expect(200));
      expect(statements).toHaveLength(1);
      const nodes = await planOf(statements[0]!.sql, statements[0]!.parameters);
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
    const nodes = await planOf(statements[0]!.sql, statements[0]!.parameters);
    expect(nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    expect(nodes.map((node) => node['Index Name'])).toContain('IDX_sessions_owner_created');
  });

  it('should list messages in one statement through (session_id, seq)', async () => {
    const statements = await statementsOf(() =>
      request(server).get(`/api/sessions/${sessionId}/messages?after=100&limit=50`).expect(200),
    );
    expect(statements).toHaveLength(1);
    const nodes = await planOf(statements[0]!.sql, statements[0]!.parameters);
    expect(nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    expect(nodes.map((node) => node['Index Name'])).toEqual(
      expect.arrayContaining(['PK_sessions', 'IDX_messages_session_seq']),
    );
  });

  it('should read one session in one statement by primary key', async () => {
    const statements = await statementsOf(() =>
      request(server).get(`/api/sessions/${sessionId}`).expect(200),
    );
    expect(statements).toHaveLength(1);
    const nodes = await planOf(statements[0]!.sql, statements[0]!.parameters);
    expect(nodes.map((node) => node['Index Name'])).toContain('PK_sessions');
  });

  it('should write with one data statement plus NOTIFY inside one transaction', async () => {
    const cases: Array<() => Promise<unknown>> = [
      () => request(server).post('/api/sessions').send({ title: 'n' }).expect(201),
      () => request(server).patch(`/api/sessions/${sessionId}`).send({ title: 'p' }).expect(200),
      () =>
        request(server)
          .post(`/api/sessions/${sessionId}/messages`)
          .send({ content: 'c' })
          .expect(201),
    ];
    for (const send of cases) {
      const statements = (await statementsOf(send)).map(({ sql }) => sql.trim().split(/\s+/)[0]);
      expect(statements).toEqual(['START', expect.any(String) as string, 'SELECT', 'COMMIT']);
    }
  });

  it('should answer 404 for an unknown session in one statement', async () => {
    const statements = await statementsOf(() =>
      request(server).get(`/api/sessions/${randomUUID()}/messages`).expect(404),
    );
    expect(statements).toHaveLength(1);
  });
});

import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  createSessionsTestApp,
  type SessionsTestApp,
  useSessionsTestApp,
} from './sessions-test-app';
import { ENVELOPE } from '../support/error-envelope';
import type { ErrorEnvelope } from '../../src/common/errors/error-envelope';
import type { CreateMessageAck } from '../../src/gateway/gateway.events';
import { eventually, LiveSocket } from '../support/live-clients';
import { baseUrl } from '../support/test-app';

interface Created {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

describe('Idempotency-Key (e2e)', () => {
  const suite = useSessionsTestApp();

  const database = (app: SessionsTestApp = suite): DataSource => app.app.get(DataSource);

  async function count(sql: string, parameters: unknown[]): Promise<number> {
    const [row] = await database().query<Array<{ count: string }>>(sql, parameters);
    return Number(row?.count);
  }

  async function createSession(): Promise<string> {
    const response = await request(suite.server)
      .post('/api/sessions')
      .send({ title: 'Idempotent kitchen' })
      .expect(201);
    return (response.body as { id: string }).id;
  }

  function postMessage(sessionId: string, key: string | undefined, content: string) {
    const post = request(suite.server).post(`/api/sessions/${sessionId}/messages`);
    return (key === undefined ? post : post.set('Idempotency-Key', key)).send({ content });
  }

  describe('POST /api/sessions/:id/messages', () => {
    it('should replay the first 201 for the same key and body, storing one message and queueing one run', async () => {
      const sessionId = await createSession();
      const key = `"${randomUUID()}"`;
      const first = await postMessage(sessionId, key, 'Open kitchen, please').expect(201);
      const second = await postMessage(sessionId, key, 'Open kitchen, please').expect(201);
      expect(second.body).toEqual(first.body);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(await count('SELECT count(*) FROM messages WHERE session_id = $1', [sessionId])).toBe(
        1,
      );
      expect(
        await count('SELECT count(*) FROM agent_runs WHERE session_id = $1', [sessionId]),
      ).toBe(1);
    });

    it('should treat the quoted and the bare form of a key as one key', async () => {
      const sessionId = await createSession();
      const key = randomUUID();
      const first = await postMessage(sessionId, `"${key}"`, 'same').expect(201);
      const second = await postMessage(sessionId, key, 'same').expect(201);
      expect(second.body).toEqual(first.body);
    });

    it('should answer 422 IDEMPOTENCY_KEY_REUSED for another body under the key, and store nothing more', async () => {
      const sessionId = await createSession();
      const key = randomUUID();
      await postMessage(sessionId, key, 'first').expect(201);
      const other = await postMessage(sessionId, key, 'second').expect(422);
      expect(other.body).toEqual({
        ...ENVELOPE,
        statusCode: 422,
        code: 'IDEMPOTENCY_KEY_REUSED',
      });
      const otherSession = await createSession();
      await postMessage(otherSession, key, 'first').expect(422);
      await request(suite.server)
        .post('/api/sessions')
        .set('Idempotency-Key', key)
        .send({ title: 'first' })
        .expect(422);
      expect(
        await count('SELECT count(*) FROM messages WHERE session_id = ANY($1)', [
          [sessionId, otherSession],
        ]),
      ).toBe(1);
    });

    it('should keep keys per owner: another owner with the same key gets its own message', async () => {
      const key = randomUUID();
      const mine = await createSession();
      const first = await postMessage(mine, key, 'hello').expect(201);
      suite.actAs(randomUUID());
      const theirs = await createSession();
      const second = await postMessage(theirs, key, 'hello').expect(201);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
      expect(second.body).not.toEqual(first.body);
    });

    it('should answer 404 for a missing session and store no key, so the key stays free', async () => {
      const key = randomUUID();
      await postMessage(randomUUID(), key, 'lost').expect(404);
      const sessionId = await createSession();
      const created = await postMessage(sessionId, key, 'found').expect(201);
      expect(created.headers['idempotent-replayed']).toBeUndefined();
    });

    it.each([
      ['an empty key', ''],
      ['an unterminated string', '"abc'],
      ['two keys', '"a", "b"'],
      ['a key too long', 'k'.repeat(256)],
    ])('should answer 400 INVALID_HEADER for %s and store nothing', async (_label, header) => {
      const sessionId = await createSession();
      const response = await postMessage(sessionId, header, 'never stored').expect(400);
      expect(response.body).toMatchObject({
        ...ENVELOPE,
        code: 'INVALID_HEADER',
        details: [{ field: 'Idempotency-Key' }],
      });
      expect(await count('SELECT count(*) FROM messages WHERE session_id = $1', [sessionId])).toBe(
        0,
      );
    });

    it('should answer 409 IDEMPOTENCY_KEY_IN_PROGRESS while another request holds the key, then replay its answer', async () => {
      const sessionId = await createSession();
      const key = randomUUID();
      // A transaction of the test's own locks the session row: the first request claims the
      // key, then waits on that lock, still in progress.
      const blocker = database().createQueryRunner();
      await blocker.connect();
      await blocker.startTransaction();
      let firstDone = false;
      try {
        await blocker.query('SELECT id FROM sessions WHERE id = $1 FOR UPDATE', [sessionId]);
        const first = postMessage(sessionId, key, 'slow').then((response) => {
          firstDone = true;
          return response;
        });
        await eventually(
          async () =>
            (await count(
              `SELECT count(*) FROM pg_stat_activity
               WHERE datname = current_database() AND wait_event_type = 'Lock'
                 AND query LIKE '%idempotency_key_claim%'`,
              [],
            )) > 0,
          'the first request to wait on the session row',
        );
        const second = await postMessage(sessionId, key, 'slow').expect(409);
        expect(second.body).toEqual({
          ...ENVELOPE,
          statusCode: 409,
          code: 'IDEMPOTENCY_KEY_IN_PROGRESS',
        });
        expect(firstDone).toBe(false);
        await blocker.commitTransaction();
        const firstResponse = await first;
        expect(firstResponse.status).toBe(201);
        const retry = await postMessage(sessionId, key, 'slow').expect(201);
        expect(retry.body).toEqual(firstResponse.body);
        expect(retry.headers['idempotent-replayed']).toBe('true');
      } finally {
        if (blocker.isTransactionActive) {
          await blocker.rollbackTransaction();
        }
        await blocker.release();
      }
      expect(await count('SELECT count(*) FROM messages WHERE session_id = $1', [sessionId])).toBe(
        1,
      );
    });

    it('should store exactly one message for concurrent requests with one key on two replicas', async () => {
      const replicas = await Promise.all([
        createSessionsTestApp({ ownerId: suite.ownerId, listen: true }),
        createSessionsTestApp({ ownerId: suite.ownerId, listen: true }),
      ]);
      try {
        const sessionId = await createSession();
        const key = randomUUID();
        const responses: Created[] = await Promise.all(
          Array.from({ length: 12 }, async (_, index) => {
            const replica = replicas[index % 2] as SessionsTestApp;
            const response = await fetch(
              `${baseUrl(replica.app)}/api/sessions/${sessionId}/messages`,
              {
                method: 'POST',
                headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
                body: JSON.stringify({ content: 'only once' }),
              },
            );
            return {
              status: response.status,
              body: (await response.json()) as Record<string, unknown>,
              headers: Object.fromEntries(response.headers.entries()),
            };
          }),
        );
        const created = responses.filter((response) => response.status === 201);
        const refused = responses.filter((response) => response.status !== 201);
        expect(refused.map((response) => response.body.code)).toEqual(
          refused.map(() => 'IDEMPOTENCY_KEY_IN_PROGRESS'),
        );
        // One original answer; every other 201 is its replay.
        expect(
          created.filter((response) => response.headers['idempotent-replayed'] !== 'true'),
        ).toHaveLength(1);
        expect(new Set(created.map((response) => JSON.stringify(response.body))).size).toBe(1);
        expect(
          await count('SELECT count(*) FROM messages WHERE session_id = $1', [sessionId]),
        ).toBe(1);
        expect(
          await count('SELECT count(*) FROM agent_runs WHERE session_id = $1', [sessionId]),
        ).toBe(1);
        expect(
          await count('SELECT count(*) FROM idempotency_keys WHERE owner_id = $1 AND key = $2', [
            suite.ownerId,
            key,
          ]),
        ).toBe(1);
      } finally {
        await Promise.all(replicas.map((replica) => replica.app.close()));
      }
    });
  });

  describe('POST /api/sessions', () => {
    it('should replay the first session, Location and ETag included, even after the session changed', async () => {
      const key = randomUUID();
      const body = { title: 'Attic', totalBudget: '1234.50', currency: 'eur' };
      const first = await request(suite.server)
        .post('/api/sessions')
        .set('Idempotency-Key', key)
        .send(body)
        .expect(201);
      const id = (first.body as { id: string }).id;
      await request(suite.server).patch(`/api/sessions/${id}`).send({ title: 'Loft' }).expect(200);
      const replay = await request(suite.server)
        .post('/api/sessions')
        .set('Idempotency-Key', key)
        .send({ currency: 'eur', totalBudget: '1234.50', title: 'Attic' })
        .expect(201);
      expect(replay.body).toEqual(first.body);
      expect(replay.body).toMatchObject({ title: 'Attic', totalBudget: '1234.50', version: 1 });
      expect(replay.headers.location).toBe(first.headers.location);
      expect(replay.headers.etag).toBe('"1"');
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(
        await count('SELECT count(*) FROM sessions WHERE owner_id = $1 AND title IN ($2, $3)', [
          suite.ownerId,
          'Attic',
          'Loft',
        ]),
      ).toBe(1);
    });

    it('should answer 422 for another body under the key and create nothing', async () => {
      const key = randomUUID();
      await request(suite.server)
        .post('/api/sessions')
        .set('Idempotency-Key', key)
        .send({ title: 'Cellar' })
        .expect(201);
      const other = await request(suite.server)
        .post('/api/sessions')
        .set('Idempotency-Key', key)
        .send({ title: 'Cellar', currency: 'EUR' })
        .expect(422);
      expect(other.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      expect(
        await count('SELECT count(*) FROM sessions WHERE owner_id = $1 AND title = $2', [
          suite.ownerId,
          'Cellar',
        ]),
      ).toBe(1);
    });
  });

  describe('socket.io message:create with idempotencyKey', () => {
    it('should ack the first message again with replayed, share the key with REST, and refuse another body', async () => {
      const live = await createSessionsTestApp({ ownerId: suite.ownerId, listen: true });
      const client = await LiveSocket.connect(baseUrl(live.app));
      try {
        const sessionId = await createSession();
        const idempotencyKey = randomUUID();
        const payload = { sessionId, content: 'over the socket', idempotencyKey };
        const first = await client.request<CreateMessageAck>('message:create', payload);
        const again = await client.request<CreateMessageAck>('message:create', payload);
        expect(first.replayed).toBeUndefined();
        expect(again).toEqual({ message: first.message, replayed: true });
        const overRest = await postMessage(sessionId, idempotencyKey, 'over the socket').expect(
          201,
        );
        expect(overRest.body).toEqual(first.message);
        const other = await client.request<ErrorEnvelope>('message:create', {
          ...payload,
          content: 'something else',
        });
        expect(other).toEqual({ ...ENVELOPE, statusCode: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
        const malformed = await client.request<ErrorEnvelope>('message:create', {
          ...payload,
          idempotencyKey: '',
        });
        expect(malformed).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
        expect(
          await count('SELECT count(*) FROM messages WHERE session_id = $1', [sessionId]),
        ).toBe(1);
      } finally {
        client.close();
        await live.app.close();
      }
    });
  });

  describe('with IDEMPOTENCY_KEY_TTL_MS=1', () => {
    it('should act afresh on an expired key and sweep expired keys of the table', async () => {
      const shortLived = await createSessionsTestApp({ env: { IDEMPOTENCY_KEY_TTL_MS: '1' } });
      try {
        const session = await request(shortLived.server)
          .post('/api/sessions')
          .send({ title: 'Expiring' })
          .expect(201);
        const sessionId = (session.body as { id: string }).id;
        const post = (key: string, content: string) =>
          request(shortLived.server)
            .post(`/api/sessions/${sessionId}/messages`)
            .set('Idempotency-Key', key)
            .send({ content });
        const unexpiredKeys = () =>
          count(
            'SELECT count(*) FROM idempotency_keys WHERE owner_id = $1 AND expires_at > now()',
            [shortLived.ownerId],
          );
        const key = randomUUID();
        const first = await post(key, 'once').expect(201);
        await eventually(
          async () =>
            (await count(
              'SELECT count(*) FROM idempotency_keys WHERE owner_id = $1 AND expires_at <= now()',
              [shortLived.ownerId],
            )) === 1,
          'the key to expire',
        );
        const again = await post(key, 'once').expect(201);
        expect(again.headers['idempotent-replayed']).toBeUndefined();
        expect(again.body).not.toEqual(first.body);
        // Expired, another body is no reuse either.
        await eventually(async () => (await unexpiredKeys()) === 0, 'the key to expire again');
        await post(key, 'another body').expect(201);

        for (const other of [randomUUID(), randomUUID(), randomUUID()]) {
          await post(other, `with ${other}`).expect(201);
        }
        const last = randomUUID();
        await eventually(async () => (await unexpiredKeys()) === 0, 'every key to expire');
        await post(last, 'sweeps the rest').expect(201);
        const [remaining] = await database(shortLived).query<Array<{ keys: string[] }>>(
          'SELECT array_agg(key) AS keys FROM idempotency_keys WHERE owner_id = $1',
          [shortLived.ownerId],
        );
        expect(remaining?.keys).toEqual([last]);
        expect(
          await count('SELECT count(*) FROM messages WHERE session_id = $1', [sessionId]),
        ).toBe(7);
      } finally {
        await shortLived.app.close();
      }
    });
  });
});

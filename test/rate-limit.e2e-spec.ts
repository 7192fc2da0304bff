import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { ErrorEnvelope } from '../src/common/errors/error-envelope';
import { ENVELOPE } from './support/error-envelope';
import { LiveSocket } from './support/live-clients';
import { baseUrl, createTestApp, testConfig } from './support/test-app';

const LIMIT = 3;

/**
 * Writes are limited per principal, REST and socket.io in one budget; anonymous callers (the
 * local owner while authentication is off) per client address. X-Test-Owner plays an
 * authenticated principal; without it a request acts as the configured local owner.
 */
describe('rate limit (e2e)', () => {
  const localOwnerId = testConfig().principal.localOwnerId;
  let app: INestApplication;
  let server: App;
  const open: LiveSocket[] = [];

  beforeAll(async () => {
    app = await createTestApp({
      listen: true,
      // loopback: the test's own X-Forwarded-For names the client, as a load balancer's would.
      env: { RATE_LIMIT_PER_MINUTE: String(LIMIT), TRUST_PROXY: 'loopback' },
      ownerOf: (headers) =>
        typeof headers['x-test-owner'] === 'string' ? headers['x-test-owner'] : localOwnerId,
    });
    server = app.getHttpServer() as App;
  });

  afterEach(() => {
    open.splice(0).forEach((client) => client.close());
  });

  afterAll(async () => {
    await app.close();
  });

  const createSession = (headers: Record<string, string>): request.Test =>
    request(server).post('/api/sessions').set(headers).send({ title: 'Porch' });

  async function connect(headers: Record<string, string>): Promise<LiveSocket> {
    const client = await LiveSocket.connect(baseUrl(app), headers);
    open.push(client);
    return client;
  }

  describe('POST /api/sessions', () => {
    it('should answer the write past the limit with 429, Retry-After and the envelope', async () => {
      const owner = { 'X-Test-Owner': randomUUID() };
      for (let write = 0; write < LIMIT; write += 1) {
        await createSession(owner).expect(201);
      }

      const refused = await createSession(owner).expect(429);

      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.body).toEqual({
        ...ENVELOPE,
        statusCode: 429,
        code: 'TOO_MANY_REQUESTS',
        details: [{ retryAfterSeconds: retryAfter }],
      });
    });

    it('should give each principal its own budget', async () => {
      const first = { 'X-Test-Owner': randomUUID() };
      for (let write = 0; write < LIMIT; write += 1) {
        await createSession(first).expect(201);
      }
      await createSession(first).expect(429);

      await createSession({ 'X-Test-Owner': randomUUID() }).expect(201);
    });

    it('should never limit reads, probes or metrics', async () => {
      const owner = { 'X-Test-Owner': randomUUID() };
      for (let write = 0; write <= LIMIT; write += 1) {
        await createSession(owner);
      }
      await createSession(owner).expect(429);

      await request(server).get('/api/sessions').set(owner).expect(200);
      await request(server).get('/health/ready').set(owner).expect(200);
      await request(server).get('/health/status').set(owner).expect(200);
      await request(server).get('/metrics').set(owner).expect(200);
    });

    it('should key anonymous callers by client address, not all as one', async () => {
      const client = { 'X-Forwarded-For': '203.0.113.10' };
      for (let write = 0; write < LIMIT; write += 1) {
        await createSession(client).expect(201);
      }
      await createSession(client).expect(429);

      await createSession({ 'X-Forwarded-For': '203.0.113.11' }).expect(201);
    });
  });

  describe('socket.io', () => {
    it('should count socket.io writes and joins in the same budget, acking 429 in the envelope', async () => {
      const owner = { 'X-Test-Owner': randomUUID() };
      const sessionId = ((await createSession(owner).expect(201)).body as { id: string }).id;
      const socket = await connect(owner);
      await socket.request('session:join', { sessionId });
      const created = await socket.request<{ message: unknown }>('message:create', {
        sessionId,
        content: 'second write',
      });
      expect(created.message).toBeDefined();

      const refused = await socket.request<ErrorEnvelope>('message:create', {
        sessionId,
        content: 'one too many',
      });

      expect(refused).toEqual({
        ...ENVELOPE,
        statusCode: 429,
        code: 'TOO_MANY_REQUESTS',
        details: [{ retryAfterSeconds: expect.any(Number) as number }],
      });
      await createSession(owner).expect(429);
      // Leaving costs nothing and is never refused.
      expect(await socket.request('session:leave', { sessionId })).toEqual({ left: true });
    });

    it('should key an anonymous socket by its client address', async () => {
      const sessionId = (
        (await createSession({ 'X-Forwarded-For': '203.0.113.20' }).expect(201)).body as {
          id: string;
        }
      ).id;
      const socket = await connect({ 'X-Forwarded-For': '203.0.113.20' });
      for (let write = 1; write < LIMIT; write += 1) {
        await socket.request('message:create', { sessionId, content: `write ${write}` });
      }

      const refused = await socket.request<ErrorEnvelope>('message:create', {
        sessionId,
        content: 'one too many',
      });
      expect(refused.statusCode).toBe(429);

      const neighbour = await connect({ 'X-Forwarded-For': '203.0.113.21' });
      const created = await neighbour.request<{ message?: unknown }>('message:create', {
        sessionId,
        content: 'from another address',
      });
      expect(created.message).toBeDefined();
    });
  });
});

describe('rate limit off (RATE_LIMIT_PER_MINUTE=0)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should accept every write', async () => {
    for (let write = 0; write < 20; write += 1) {
      await request(app.getHttpServer()).post('/api/sessions').send({ title: 'Deck' }).expect(201);
    }
  });
});

import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import request from 'supertest';
import type { App } from 'supertest/types';
import { ENVELOPE } from '../support/error-envelope';
import { LiveSocket } from '../support/live-clients';
import { baseUrl, createTestApp } from '../support/test-app';
import { AUTH_ON, forgedToken, hs256Token, unsignedToken } from '../support/tokens';

type Method = 'get' | 'post' | 'patch' | 'delete';

interface Route {
  method: Method;
  /** The OpenAPI path, as the document names it. */
  path: string;
  url: (ids: { sessionId: string; runId: string }) => string;
  body?: object;
}

/** Every route under /api; the first test proves the table misses none the app serves. */
const ROUTES: Route[] = [
  { method: 'post', path: '/api/sessions', url: () => '/api/sessions', body: { title: 'Mine' } },
  { method: 'get', path: '/api/sessions', url: () => '/api/sessions' },
  { method: 'get', path: '/api/sessions/{id}', url: (ids) => `/api/sessions/${ids.sessionId}` },
  {
    method: 'patch',
    path: '/api/sessions/{id}',
    url: (ids) => `/api/sessions/${ids.sessionId}`,
    body: { title: 'Taken over' },
  },
  {
    method: 'delete',
    path: '/api/sessions/{id}',
    url: (ids) => `/api/sessions/${ids.sessionId}`,
  },
  {
    method: 'post',
    path: '/api/sessions/{id}/phase',
    url: (ids) => `/api/sessions/${ids.sessionId}/phase`,
    body: { phase: 'CHECKLIST' },
  },
  {
    method: 'post',
    path: '/api/sessions/{id}/messages',
    url: (ids) => `/api/sessions/${ids.sessionId}/messages`,
    body: { content: 'injected' },
  },
  {
    method: 'get',
    path: '/api/sessions/{id}/messages',
    url: (ids) => `/api/sessions/${ids.sessionId}/messages`,
  },
  {
    method: 'get',
    path: '/api/sessions/{id}/runs',
    url: (ids) => `/api/sessions/${ids.sessionId}/runs`,
  },
  {
    method: 'post',
    path: '/api/sessions/{id}/runs/{runId}/cancel',
    url: (ids) => `/api/sessions/${ids.sessionId}/runs/${ids.runId}/cancel`,
  },
  {
    method: 'get',
    path: '/api/sessions/{id}/events',
    url: (ids) => `/api/sessions/${ids.sessionId}/events`,
  },
];

/** The routes that name one session: another owner's is a 404 on each. */
const SESSION_ROUTES = ROUTES.filter((route) => route.path.includes('{id}'));

const SOCKET_EVENTS: Array<[string, (sessionId: string) => object]> = [
  ['session:join', (sessionId) => ({ sessionId })],
  ['session:leave', (sessionId) => ({ sessionId })],
  ['message:create', (sessionId) => ({ sessionId, content: 'injected' })],
];

const BAD_TOKENS: Array<[string, (subject: string) => Promise<string>, RegExp]> = [
  ['forged (bad signature)', (subject) => forgedToken(subject), /bad signature/],
  ['expired', (subject) => hs256Token({ subject, expiresIn: -120 }), /expired/],
  ['for another audience', (subject) => hs256Token({ subject, audience: 'other' }), /"aud"/],
  ['from another issuer', (subject) => hs256Token({ subject, issuer: 'https://evil/' }), /"iss"/],
  ['alg:none', (subject) => Promise.resolve(unsignedToken(subject)), /not allowed|malformed/],
  ['not a JWT', () => Promise.resolve('definitely-not-a-jwt'), /malformed/],
];

/**
 * Owner isolation with authentication on (AUTH_ENABLED, HS256): every REST route, the SSE stream
 * and every socket.io event, tried as a second user, as nobody and with bad tokens. The data of
 * the first user must come out of it untouched.
 */
describe('owner isolation with AUTH_ENABLED (e2e)', () => {
  let app: INestApplication;
  let server: App;
  let base: string;
  const alice = `auth0|alice-${randomUUID()}`;
  const bob = `auth0|bob-${randomUUID()}`;
  let aliceToken: string;
  let bobToken: string;
  let ids: { sessionId: string; runId: string };
  const sockets: LiveSocket[] = [];

  beforeAll(async () => {
    app = await createTestApp({ listen: true, env: AUTH_ON });
    server = app.getHttpServer() as App;
    base = baseUrl(app);
    aliceToken = await hs256Token({ subject: alice });
    bobToken = await hs256Token({ subject: bob });
    ids = await aliceSessionWithRun();
  });

  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.close());
  });

  afterAll(async () => {
    await app.close();
  });

  /** A session of Alice's with one message and the run that message queued. */
  async function aliceSessionWithRun(): Promise<{ sessionId: string; runId: string }> {
    const created = await request(server)
      .post('/api/sessions')
      .auth(aliceToken, { type: 'bearer' })
      .send({ title: "Alice's kitchen" })
      .expect(201);
    const sessionId = (created.body as { id: string }).id;
    await request(server)
      .post(`/api/sessions/${sessionId}/messages`)
      .auth(aliceToken, { type: 'bearer' })
      .send({ content: 'hello' })
      .expect(201);
    const runs = await request(server)
      .get(`/api/sessions/${sessionId}/runs`)
      .auth(aliceToken, { type: 'bearer' })
      .expect(200);
    const [run] = runs.body as Array<{ id: string }>;
    if (run === undefined) {
      throw new Error('the message queued no run');
    }
    return { sessionId, runId: run.id };
  }

  function call(route: Route, token?: string): request.Test {
    let test = request(server)[route.method](route.url(ids));
    if (token !== undefined) {
      test = test.auth(token, { type: 'bearer' });
    }
    if (route.method === 'get' && route.path.endsWith('/events')) {
      // An accepted stream never ends by itself: only refusals are expected here.
      test = test.timeout(5000);
    }
    return route.body === undefined ? test : test.send(route.body);
  }

  async function expectAliceUntouched(): Promise<void> {
    const session = await request(server)
      .get(`/api/sessions/${ids.sessionId}`)
      .auth(aliceToken, { type: 'bearer' })
      .expect(200);
    expect(session.body).toMatchObject({ title: "Alice's kitchen", phase: 'INTAKE', version: 1 });
    const messages = await request(server)
      .get(`/api/sessions/${ids.sessionId}/messages`)
      .auth(aliceToken, { type: 'bearer' })
      .expect(200);
    expect((messages.body as { items: Array<{ content: string }> }).items).toEqual([
      expect.objectContaining({ content: 'hello' }),
    ]);
    const runs = await request(server)
      .get(`/api/sessions/${ids.sessionId}/runs`)
      .auth(aliceToken, { type: 'bearer' })
      .expect(200);
    expect(runs.body).toEqual([expect.objectContaining({ id: ids.runId, status: 'queued' })]);
  }

  it('should cover every route under /api in this suite', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    const served = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, item]) =>
        (['get', 'post', 'patch', 'delete', 'put'] as const)
          .filter((method) => item[method] !== undefined)
          .map((method) => `${method.toUpperCase()} ${path}`),
      );
    expect(served.sort()).toEqual(
      ROUTES.map((route) => `${route.method.toUpperCase()} ${route.path}`).sort(),
    );
  });

  it('should declare the bearer scheme, and the scheme and a 401 on every /api operation', async () => {
    const response = await request(server).get('/api-docs.json').expect(200);
    const document = response.body as {
      components: { securitySchemes: Record<string, unknown> };
      paths: Record<string, Record<string, { security?: unknown; responses: object }>>;
    };
    expect(document.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    const operations = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([, item]) => Object.values(item));
    expect(operations).toHaveLength(ROUTES.length);
    for (const operation of operations) {
      expect(operation.security).toEqual([{ bearer: [] }]);
      expect(operation.responses).toHaveProperty('401');
    }
  });

  describe('REST and SSE as nobody', () => {
    it.each(ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route]))(
      '%s should answer 401 AUTHENTICATION_REQUIRED',
      async (_name, route) => {
        const response = await call(route).expect(401);
        expect(response.body).toEqual({
          ...ENVELOPE,
          statusCode: 401,
          code: 'AUTHENTICATION_REQUIRED',
        });
        expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
      },
    );

    it('should not take another scheme, nor a token in the query outside SSE', async () => {
      await request(server)
        .get('/api/sessions')
        .set('Authorization', `Basic ${Buffer.from('alice:pw').toString('base64')}`)
        .expect(401);
      const query = await request(server)
        .get(`/api/sessions/${ids.sessionId}?access_token=${aliceToken}`)
        .expect(401);
      expect(query.body).toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });
    });
  });

  describe.each(BAD_TOKENS)('REST and SSE with a token %s', (_name, mint, reason) => {
    let token: string;

    beforeAll(async () => {
      token = await mint(alice);
    });

    it.each(ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route]))(
      '%s should answer 401 INVALID_TOKEN',
      async (_route, route) => {
        const response = await call(route, token).expect(401);
        expect(response.body).toEqual({
          ...ENVELOPE,
          statusCode: 401,
          code: 'INVALID_TOKEN',
          error: expect.stringMatching(reason) as string,
        });
      },
    );

    it('SSE should refuse it as access_token too', async () => {
      const response = await request(server)
        .get(`/api/sessions/${ids.sessionId}/events?access_token=${encodeURIComponent(token)}`)
        .expect(401);
      expect(response.body).toMatchObject({ code: 'INVALID_TOKEN' });
    });

    it('socket.io should refuse the handshake', async () => {
      const refused = await LiveSocket.connect(base, {}, { token }).then(
        (socket) => {
          sockets.push(socket);
          return undefined;
        },
        (error: unknown) => error as Error & { data?: unknown },
      );
      expect(refused?.data).toEqual({ ...ENVELOPE, statusCode: 401, code: 'INVALID_TOKEN' });
    });
  });

  describe("REST and SSE as another user, on the first user's session", () => {
    it.each(SESSION_ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route]))(
      '%s should answer 404 SESSION_NOT_FOUND',
      async (_name, route) => {
        const response = await call(route, bobToken).expect(404);
        expect(response.body).toEqual({
          ...ENVELOPE,
          statusCode: 404,
          code: 'SESSION_NOT_FOUND',
        });
      },
    );

    it('SSE should answer 404 with the token as access_token too', async () => {
      await request(server)
        .get(`/api/sessions/${ids.sessionId}/events?access_token=${bobToken}`)
        .expect(404);
    });

    it("should list only the caller's own sessions, and create them as its own", async () => {
      const created = await request(server)
        .post('/api/sessions')
        .auth(bobToken, { type: 'bearer' })
        .send({ title: "Bob's attic" })
        .expect(201);
      const bobs = await request(server)
        .get('/api/sessions')
        .auth(bobToken, { type: 'bearer' })
        .expect(200);
      const listed = (bobs.body as { items: Array<{ id: string; ownerId: string }> }).items;
      expect(listed.map((session) => session.id)).toEqual([(created.body as { id: string }).id]);
      const alices = await request(server)
        .get('/api/sessions')
        .auth(aliceToken, { type: 'bearer' })
        .expect(200);
      const aliceIds = (alices.body as { items: Array<{ id: string }> }).items.map(
        (session) => session.id,
      );
      expect(aliceIds).toContain(ids.sessionId);
      expect(aliceIds).not.toContain((created.body as { id: string }).id);
      expect(listed[0]?.ownerId).not.toBe(
        (alices.body as { items: Array<{ ownerId: string }> }).items[0]?.ownerId,
      );
    });

    afterAll(async () => {
      await expectAliceUntouched();
    });
  });

  describe('socket.io', () => {
    it('should refuse a handshake without a token (connect_error, 401 envelope)', async () => {
      const refused = await LiveSocket.connect(base).then(
        (socket) => {
          sockets.push(socket);
          return undefined;
        },
        (error: unknown) => error as Error & { data?: unknown },
      );
      expect(refused?.message).toMatch(/Authentication required/);
      expect(refused?.data).toEqual({
        ...ENVELOPE,
        statusCode: 401,
        code: 'AUTHENTICATION_REQUIRED',
      });
    });

    it.each(SOCKET_EVENTS)(
      "%s on the first user's session should ack 404 to another user",
      async (event, payload) => {
        const socket = await LiveSocket.connect(base, {}, { token: bobToken });
        sockets.push(socket);
        const ack = await socket.request(event, payload(ids.sessionId));
        expect(ack).toEqual({ ...ENVELOPE, statusCode: 404, code: 'SESSION_NOT_FOUND' });
      },
    );

    it('should join for the owner, with the token in auth or in the Authorization header', async () => {
      const viaAuth = await LiveSocket.connect(base, {}, { token: aliceToken });
      const viaHeader = await LiveSocket.connect(base, { Authorization: `Bearer ${aliceToken}` });
      sockets.push(viaAuth, viaHeader);
      for (const socket of [viaAuth, viaHeader]) {
        const ack = await socket.request('session:join', { sessionId: ids.sessionId });
        expect(ack).toMatchObject({ session: { id: ids.sessionId } });
      }
    });

    afterAll(async () => {
      await expectAliceUntouched();
    });
  });

  describe('SSE for the owner', () => {
    it('should stream with the bearer header, and with access_token for an EventSource', async () => {
      const attempts: Array<{ url: string; headers: Record<string, string> }> = [
        {
          url: `/api/sessions/${ids.sessionId}/events`,
          headers: { Authorization: `Bearer ${aliceToken}` },
        },
        { url: `/api/sessions/${ids.sessionId}/events?access_token=${aliceToken}`, headers: {} },
      ];
      for (const init of attempts) {
        const abort = new AbortController();
        const response = await fetch(`${base}${init.url}`, {
          headers: init.headers,
          signal: abort.signal,
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
        const reader = response.body!.getReader();
        const first = await reader.read();
        expect(new TextDecoder().decode(first.value)).toMatch(/event: snapshot/);
        abort.abort();
        await reader.cancel().catch(() => undefined);
      }
    });
  });

  describe('health routes', () => {
    it.each(['/health', '/health/live', '/health/ready', '/health/status', '/metrics'])(
      '%s should stay public (HEALTH_TOKEN is unset here)',
      async (path) => {
        await request(server).get(path).expect(200);
      },
    );

    it('should report authentication and payments among the features, in status and readiness', async () => {
      const status = await request(server).get('/health/status').expect(200);
      expect(status.body.features).toMatchObject({ auth: true, payments: false });
      const ready = await request(server).get('/health/ready').expect(200);
      expect(ready.body.info.features).toEqual({ status: 'up', auth: true, payments: false });
    });
  });
});

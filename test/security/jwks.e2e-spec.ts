import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { LiveSocket } from '../support/live-clients';
import { baseUrl, createTestApp } from '../support/test-app';
import { hs256Token, type JwksServer, startJwksServer, TEST_AUTH } from '../support/tokens';

/**
 * Authentication against an identity provider's JWKS, served by a real local HTTP server: RS256
 * and ES256 tokens of its keys are accepted, fetched once and cached, and nothing else is.
 */
describe('authentication with AUTH_JWKS_URL (e2e)', () => {
  let jwks: JwksServer;
  let app: INestApplication;
  let server: App;

  beforeAll(async () => {
    jwks = await startJwksServer();
    app = await createTestApp({
      listen: true,
      env: {
        AUTH_ENABLED: 'true',
        AUTH_JWKS_URL: jwks.url,
        AUTH_ISSUER: TEST_AUTH.AUTH_ISSUER,
        AUTH_AUDIENCE: TEST_AUTH.AUTH_AUDIENCE,
      },
    });
    server = app.getHttpServer() as App;
  });

  afterAll(async () => {
    await app.close();
    await jwks.close();
  });

  it.each(['RS256', 'ES256'] as const)(
    'should let a %s token of the key set create and read its own session',
    async (alg) => {
      const token = await jwks.sign({ alg, subject: `user-${alg}` });
      const created = await request(server)
        .post('/api/sessions')
        .auth(token, { type: 'bearer' })
        .send({ title: `Signed with ${alg}` })
        .expect(201);
      await request(server)
        .get(`/api/sessions/${(created.body as { id: string }).id}`)
        .auth(token, { type: 'bearer' })
        .expect(200);
    },
  );

  it('should give the same subject the same owner whichever key signed its token', async () => {
    const rs = await jwks.sign({ alg: 'RS256', subject: 'one-person' });
    const es = await jwks.sign({ alg: 'ES256', subject: 'one-person' });
    const created = await request(server)
      .post('/api/sessions')
      .auth(rs, { type: 'bearer' })
      .send({ title: 'Shared' })
      .expect(201);
    const read = await request(server)
      .get(`/api/sessions/${(created.body as { id: string }).id}`)
      .auth(es, { type: 'bearer' })
      .expect(200);
    expect(read.body.ownerId).toBe(created.body.ownerId);
  });

  it('should fetch the key set once and answer from its cache after', async () => {
    const before = jwks.requests;
    const token = await jwks.sign({ subject: 'cached' });
    for (let i = 0; i < 5; i += 1) {
      await request(server).get('/api/sessions').auth(token, { type: 'bearer' }).expect(200);
    }
    expect(jwks.requests).toBe(before);
    expect(jwks.requests).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['an HS256 token (no shared secret exists here)', () => hs256Token({ subject: 'x' })],
    ['a kid the set does not have', () => jwks.sign({ subject: 'x', kid: 'unknown-kid' })],
    ['an expired token', () => jwks.sign({ subject: 'x', expiresIn: -120 })],
    ['another audience', () => jwks.sign({ subject: 'x', audience: 'another-api' })],
  ])('should refuse %s with 401 INVALID_TOKEN', async (_case, mint) => {
    const response = await request(server)
      .get('/api/sessions')
      .auth(await mint(), { type: 'bearer' })
      .expect(401);
    expect(response.body).toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('should accept a socket.io handshake with a token of the key set', async () => {
    const socket = await LiveSocket.connect(
      baseUrl(app),
      {},
      { token: await jwks.sign({ alg: 'ES256', subject: 'socket-user' }) },
    );
    socket.close();
  });
});

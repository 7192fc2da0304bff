import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type KeyLike } from 'jose';
import { AuthUnavailableException, InvalidTokenException } from './auth.exceptions';
import { type TokenSettings, TokenVerifier } from './token-verifier';

const SECRET = 'a-unit-test-secret-of-at-least-32-chars';
const ISSUER = 'https://issuer.example/';
const AUDIENCE = 'renovation-api';
const SETTINGS: TokenSettings = {
  jwtSecret: SECRET,
  jwksUrl: undefined,
  issuer: ISSUER,
  audience: AUDIENCE,
  clockToleranceSeconds: 30,
};
const now = (): number => Math.floor(Date.now() / 1000);

function claims(overrides: { sub?: string | null; iss?: string; aud?: string; exp?: number }) {
  const jwt = new SignJWT({})
    .setIssuer(overrides.iss ?? ISSUER)
    .setAudience(overrides.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(overrides.exp ?? now() + 300);
  return overrides.sub === null ? jwt : jwt.setSubject(overrides.sub ?? 'user-1');
}

const hs256 = (overrides: Parameters<typeof claims>[0] = {}, secret = SECRET): Promise<string> =>
  claims(overrides).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));

async function rejection(promise: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InvalidTokenException || error instanceof AuthUnavailableException) {
      return { status: error.getStatus(), body: error.getResponse() };
    }
    throw error;
  }
  throw new Error('expected the token to be refused');
}

describe('TokenVerifier with an HS256 secret', () => {
  const verifier = new TokenVerifier(SETTINGS);

  it('should accept a valid token and give its subject', async () => {
    await expect(verifier.verify(await hs256({ sub: 'auth0|abc' }))).resolves.toEqual({
      subject: 'auth0|abc',
    });
  });

  it('should accept a token expired by less than the clock tolerance, not by more', async () => {
    await expect(verifier.verify(await hs256({ exp: now() - 10 }))).resolves.toBeDefined();
    expect(await rejection(verifier.verify(await hs256({ exp: now() - 60 })))).toEqual({
      status: 401,
      body: { message: 'Invalid bearer token: expired', code: 'INVALID_TOKEN' },
    });
  });

  it.each([
    ['another key', () => hs256({}, 'another-secret-that-is-also-long-enough'), /bad signature/],
    ['another issuer', () => hs256({ iss: 'https://evil.example/' }), /"iss" claim/],
    ['another audience', () => hs256({ aud: 'another-api' }), /"aud" claim/],
    ['no subject', () => hs256({ sub: null }), /"sub" claim/],
    [
      'no expiry',
      () =>
        new SignJWT({ sub: 'user-1', iss: ISSUER, aud: AUDIENCE })
          .setProtectedHeader({ alg: 'HS256' })
          .sign(new TextEncoder().encode(SECRET)),
      /"exp" claim/,
    ],
    [
      'alg none',
      () =>
        Promise.resolve(
          new UnsecuredJWT({})
            .setSubject('user-1')
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setExpirationTime(now() + 300)
            .encode(),
        ),
      /algorithm not allowed|malformed/,
    ],
    [
      'HS512 with the right secret (not on the allow-list)',
      () =>
        claims({})
          .setProtectedHeader({ alg: 'HS512' })
          .sign(new TextEncoder().encode(SECRET.repeat(2))),
      /algorithm not allowed/,
    ],
    ['garbage', () => Promise.resolve('not.a.jwt'), /malformed/],
    ['an empty string', () => Promise.resolve(''), /malformed/],
  ])('should refuse a token with %s: 401 INVALID_TOKEN', async (_case, token, reason) => {
    const { status, body } = await rejection(verifier.verify(await token()));
    expect(status).toBe(401);
    expect(body).toMatchObject({ code: 'INVALID_TOKEN', message: expect.stringMatching(reason) });
  });

  it('should refuse an over-long subject', async () => {
    const { body } = await rejection(verifier.verify(await hs256({ sub: 'x'.repeat(256) })));
    expect(body).toMatchObject({ message: 'Invalid bearer token: bad subject' });
  });
});

describe('TokenVerifier with a JWKS', () => {
  let server: Server;
  let url: string;
  let requests = 0;
  let rsa: { privateKey: KeyLike; publicKey: KeyLike };
  let ec: { privateKey: KeyLike; publicKey: KeyLike };

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256');
    ec = await generateKeyPair('ES256');
    const jwks = JSON.stringify({
      keys: [
        { ...(await exportJWK(rsa.publicKey)), kid: 'rsa', alg: 'RS256' },
        { ...(await exportJWK(ec.publicKey)), kid: 'ec', alg: 'ES256' },
      ],
    });
    server = createServer((_request, response) => {
      requests += 1;
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(jwks);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const verifier = (): TokenVerifier =>
    new TokenVerifier({ ...SETTINGS, jwtSecret: undefined, jwksUrl: url });

  it('should accept RS256 and ES256 tokens signed by keys of the set, fetching it once', async () => {
    const subject = verifier();
    requests = 0;
    const rs = await claims({ sub: 'rs-user' })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa' })
      .sign(rsa.privateKey);
    const es = await claims({ sub: 'es-user' })
      .setProtectedHeader({ alg: 'ES256', kid: 'ec' })
      .sign(ec.privateKey);
    await expect(subject.verify(rs)).resolves.toEqual({ subject: 'rs-user' });
    await expect(subject.verify(es)).resolves.toEqual({ subject: 'es-user' });
    await expect(subject.verify(rs)).resolves.toEqual({ subject: 'rs-user' });
    expect(requests).toBe(1);
  });

  it('should refuse a key outside the set, and HS256 "signed" with the public key', async () => {
    const stranger = await generateKeyPair('RS256');
    const foreign = await claims({})
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa' })
      .sign(stranger.privateKey);
    expect(await rejection(verifier().verify(foreign))).toMatchObject({
      status: 401,
      body: { message: 'Invalid bearer token: bad signature' },
    });
    const publicJwk = await exportJWK(rsa.publicKey);
    const confused = await claims({})
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa' })
      .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    expect(await rejection(verifier().verify(confused))).toMatchObject({
      status: 401,
      body: { message: 'Invalid bearer token: algorithm not allowed' },
    });
  });

  it('should answer 503 AUTH_UNAVAILABLE when the key set cannot be fetched', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = new TokenVerifier({
      ...SETTINGS,
      jwtSecret: undefined,
      jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    });
    const token = await claims({})
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa' })
      .sign(rsa.privateKey);
    expect(await rejection(unreachable.verify(token))).toEqual({
      status: 503,
      body: { message: 'Token keys are unavailable; retry shortly', code: 'AUTH_UNAVAILABLE' },
    });
  });
});

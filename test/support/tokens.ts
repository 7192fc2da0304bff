import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  exportJWK,
  generateKeyPair,
  type JWTPayload,
  type KeyLike,
  SignJWT,
  UnsecuredJWT,
} from 'jose';

/** The settings of the apps and servers that tests run with authentication on. */
export const TEST_AUTH = {
  AUTH_JWT_SECRET: 'the-tests-hs256-secret-of-32-chars-or-more',
  AUTH_ISSUER: 'https://issuer.test/',
  AUTH_AUDIENCE: 'renovation-api-test',
};

/** AUTH_ENABLED with the HS256 secret above. */
export const AUTH_ON: Record<string, string> = { AUTH_ENABLED: 'true', ...TEST_AUTH };

export interface TokenOptions {
  subject?: string;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for a token already expired. */
  expiresIn?: number;
  secret?: string;
  claims?: JWTPayload;
}

/** An HS256 token as the identity provider of TEST_AUTH would issue it, unless told otherwise. */
export function hs256Token(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ ...options.claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setIssuer(options.issuer ?? TEST_AUTH.AUTH_ISSUER)
    .setAudience(options.audience ?? TEST_AUTH.AUTH_AUDIENCE)
    .setExpirationTime(now + (options.expiresIn ?? 300));
  if (options.subject !== undefined) {
    jwt = jwt.setSubject(options.subject);
  }
  return jwt.sign(new TextEncoder().encode(options.secret ?? TEST_AUTH.AUTH_JWT_SECRET));
}

/** A token with `alg: none` and no signature, claims otherwise valid. */
export function unsignedToken(subject: string): string {
  const now = Math.floor(Date.now() / 1000);
  return new UnsecuredJWT({})
    .setSubject(subject)
    .setIssuer(TEST_AUTH.AUTH_ISSUER)
    .setAudience(TEST_AUTH.AUTH_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .encode();
}

/** A valid token with its signature replaced by that of another key. */
export async function forgedToken(subject: string): Promise<string> {
  return hs256Token({ subject, secret: 'an-attackers-secret-that-is-long-enough' });
}

export interface JwksServer {
  url: string;
  /** Requests the server has answered (jose caches the key set, so few are expected). */
  requests: number;
  sign(options: TokenOptions & { alg?: 'RS256' | 'ES256'; kid?: string }): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real HTTP server serving a JWKS with an RS256 and an ES256 public key, and the signing of
 * tokens with their private keys, as an identity provider does.
 */
export async function startJwksServer(): Promise<JwksServer> {
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const keys: Record<'RS256' | 'ES256', { privateKey: KeyLike; kid: string }> = {
    RS256: { privateKey: rsa.privateKey, kid: 'rsa-1' },
    ES256: { privateKey: ec.privateKey, kid: 'ec-1' },
  };
  const jwks = {
    keys: [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ],
  };
  const state = { requests: 0 };
  const server: Server = createServer((_request, response) => {
    state.requests += 1;
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get requests() {
      return state.requests;
    },
    sign: async ({ alg = 'RS256', kid, ...options }) => {
      const now = Math.floor(Date.now() / 1000);
      let jwt = new SignJWT({ ...options.claims })
        .setProtectedHeader({ alg, kid: kid ?? keys[alg].kid })
        .setIssuedAt(now)
        .setIssuer(options.issuer ?? TEST_AUTH.AUTH_ISSUER)
        .setAudience(options.audience ?? TEST_AUTH.AUTH_AUDIENCE)
        .setExpirationTime(now + (options.expiresIn ?? 300));
      if (options.subject !== undefined) {
        jwt = jwt.setSubject(options.subject);
      }
      return jwt.sign(keys[alg].privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { AppConfig } from '../config/app-config';
import { AuthUnavailableException, InvalidTokenException } from './auth.exceptions';

/** A shared secret signs with HMAC; never `none`, never an asymmetric algorithm (RFC 8725 §3.1). */
export const SECRET_ALGORITHMS = ['HS256'];

/**
 * Keys from a JWKS are public keys: only asymmetric algorithms, so that a token "signed" with
 * HS256 using the public key as the secret is refused (RFC 8725 §2.1).
 */
export const JWKS_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** jose's codes for a token that is wrong, as opposed to keys that could not be had. */
const REASONS: Record<string, string> = {
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'a claim check failed',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'bad signature',
  ERR_JOSE_ALG_NOT_ALLOWED: 'algorithm not allowed',
  ERR_JOSE_NOT_SUPPORTED: 'algorithm not supported',
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
  ERR_JWK_INVALID: 'malformed',
  ERR_JWKS_NO_MATCHING_KEY: 'no matching key',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'no single matching key',
};

/** Subjects longer than this are refused: no identity provider issues them. */
const MAX_SUBJECT_LENGTH = 255;

export interface VerifiedToken {
  subject: string;
}

export type TokenSettings = Pick<
  AppConfig['auth'],
  'jwtSecret' | 'jwksUrl' | 'issuer' | 'audience' | 'clockToleranceSeconds'
>;

/**
 * Verifies bearer JWTs with jose: signature with the HS256 secret or a key of the JWKS (fetched
 * once and cached by jose, refetched for an unknown `kid` at most every 30 s), an allow-listed
 * `alg`, issuer, audience, `exp` (required) and `nbf` within the clock tolerance, and a `sub`.
 * Fails with a 401 for a bad token, a 503 when the JWKS cannot be fetched.
 */
export class TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(private readonly settings: TokenSettings) {
    if (settings.jwksUrl !== undefined) {
      this.key = createRemoteJWKSet(new URL(settings.jwksUrl));
      this.algorithms = JWKS_ALGORITHMS;
    } else if (settings.jwtSecret !== undefined) {
      this.key = new TextEncoder().encode(settings.jwtSecret);
      this.algorithms = SECRET_ALGORITHMS;
    } else {
      throw new Error('TokenVerifier needs AUTH_JWT_SECRET or AUTH_JWKS_URL');
    }
  }

  async verify(token: string): Promise<VerifiedToken> {
    let subject: unknown;
    try {
      const options = {
        algorithms: this.algorithms,
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: this.settings.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      };
      // Two calls rather than a union: jwtVerify's overloads take a key or a key function.
      const { payload } =
        this.key instanceof Uint8Array
          ? await jwtVerify(token, this.key, options)
          : await jwtVerify(token, this.key, options);
      subject = payload.sub;
    } catch (error) {
      throw toAuthException(error, this.key instanceof Uint8Array);
    }
    if (typeof subject !== 'string' || subject === '' || subject.length > MAX_SUBJECT_LENGTH) {
      throw new InvalidTokenException('bad subject');
    }
    return { subject };
  }
}

/** With a secret nothing is fetched: whatever fails is the token's fault. */
function toAuthException(
  error: unknown,
  localKey: boolean,
): InvalidTokenException | AuthUnavailableException {
  const code = (error as { code?: unknown } | null)?.code;
  const reason = typeof code === 'string' ? REASONS[code] : undefined;
  if (reason === undefined) {
    return localKey ? new InvalidTokenException('malformed') : new AuthUnavailableException();
  }
  const claim = (error as { claim?: unknown }).claim;
  return new InvalidTokenException(
    code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && typeof claim === 'string'
      ? `the "${claim}" claim is not accepted`
      : reason,
  );
}

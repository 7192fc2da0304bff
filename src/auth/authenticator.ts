import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config';
import { AuthenticationRequiredException } from './auth.exceptions';
import { ownerIdForSubject } from './owner-id';
import { TokenVerifier } from './token-verifier';

/**
 * Turns a presented bearer token into the owner id it acts as (AUTH_ENABLED). When
 * authentication is off there is nothing to verify: `enabled` is false and callers use the local
 * owner instead.
 */
@Injectable()
export class Authenticator {
  readonly enabled: boolean;
  private readonly verifier: TokenVerifier | undefined;

  constructor(config: ConfigService<AppConfig, true>) {
    const auth = config.getOrThrow('auth', { infer: true });
    this.enabled = auth.enabled;
    this.verifier = auth.enabled ? new TokenVerifier(auth) : undefined;
  }

  /** 401 without a token or with a bad one; 503 when the JWKS cannot be fetched. */
  async ownerIdOf(token: string | undefined): Promise<string> {
    if (this.verifier === undefined) {
      throw new Error('authentication is off: there is no token to verify');
    }
    if (token === undefined) {
      throw new AuthenticationRequiredException();
    }
    const { subject } = await this.verifier.verify(token);
    return ownerIdForSubject(subject);
  }
}

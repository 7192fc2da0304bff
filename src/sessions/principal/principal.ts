import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { IncomingHttpHeaders } from 'node:http';
import { Authenticator, bearerToken } from '../../auth';
import type { AppConfig } from '../../config/app-config';

/** Who is asking: every read and write of sessions and messages is scoped to `ownerId`. */
export interface Principal {
  ownerId: string;
}

/**
 * The one place that turns a caller into a Principal. With AUTH_ENABLED, the bearer token of the
 * Authorization header, or else `token` (where a client cannot set headers: SSE's
 * `access_token`, socket.io's handshake `auth.token`), verified; the owner is its `sub`. Without,
 * everyone is the single configured local user (LOCAL_OWNER_ID). REST routes get it from the
 * global AuthenticationGuard via @CurrentPrincipal(); the gateway calls resolve() at the handshake.
 */
@Injectable()
export class PrincipalResolver {
  private readonly localOwnerId: string;

  constructor(
    config: ConfigService<AppConfig, true>,
    private readonly authenticator: Authenticator,
  ) {
    this.localOwnerId = config.getOrThrow('principal', { infer: true }).localOwnerId;
  }

  /** Rejects with a 401 (no or bad token) or a 503 (token keys unavailable). */
  async resolve(headers: IncomingHttpHeaders, token?: string): Promise<Principal> {
    if (!this.authenticator.enabled) {
      return { ownerId: this.localOwnerId };
    }
    const presented = bearerToken(headers.authorization) ?? token;
    return { ownerId: await this.authenticator.ownerIdOf(presented) };
  }
}

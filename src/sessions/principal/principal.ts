import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { IncomingHttpHeaders } from 'node:http';
import type { AppConfig } from '../../config/app-config';

/** Who is asking: every read and write of sessions and messages is scoped to `ownerId`. */
export interface Principal {
  ownerId: string;
}

/**
 * The one place that turns a request into a Principal. There is no authentication yet: everyone
 * is the single configured local user (LOCAL_OWNER_ID). Authentication will read a token from
 * `headers` here and nowhere else. REST handlers get it via @CurrentPrincipal(); the gateway calls
 * resolve() with the handshake headers.
 */
@Injectable()
export class PrincipalResolver {
  private readonly localOwnerId: string;

  constructor(config: ConfigService<AppConfig, true>) {
    this.localOwnerId = config.getOrThrow('principal', { infer: true }).localOwnerId;
  }

  resolve(_headers: IncomingHttpHeaders): Principal {
    return { ownerId: this.localOwnerId };
  }
}

import { ServiceUnavailableException } from '@nestjs/common';

/** How long a refused client should wait: long enough for a slot to free, short enough to feel live. */
export const CAPACITY_RETRY_AFTER_SECONDS = 5;

export type LiveCapacityCode = 'TOO_MANY_LIVE_CONNECTIONS' | 'SERVER_AT_CAPACITY';

/**
 * A live connection refused because a cap is reached: the caller's own (per principal), or the
 * instance's. 503 with Retry-After over HTTP; the same code and message in socket.io's
 * connect_error.
 */
export class LiveCapacityException extends ServiceUnavailableException {
  readonly retryAfterSeconds = CAPACITY_RETRY_AFTER_SECONDS;

  constructor(
    readonly liveCode: LiveCapacityCode,
    message: string,
  ) {
    super({ message, code: liveCode });
  }
}

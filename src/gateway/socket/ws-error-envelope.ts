import { randomUUID } from 'node:crypto';
import type { ErrorEnvelope } from '../../common/errors/error-envelope';
import { describeError, toErrorEnvelope } from '../../common/errors/error-envelope.factory';

/**
 * The REST error envelope for a failed socket.io event, so that clients handle errors of both the
 * same way. There is no HTTP request, so the requestId is minted here; it is also logged, to
 * correlate a client's report with the log.
 */
export function toWsErrorEnvelope(exception: unknown): ErrorEnvelope {
  return toErrorEnvelope(describeError(exception), randomUUID());
}

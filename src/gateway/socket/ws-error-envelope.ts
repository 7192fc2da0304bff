import { HttpException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  defaultCode,
  type ErrorBody,
  type ErrorEnvelope,
} from '../../common/errors/error-envelope';
import { mapInfrastructureError } from '../../common/errors/infrastructure-errors';

/**
 * The REST error envelope for a failed socket.io event, so that clients handle errors of both the
 * same way: HttpExceptions keep their status, code and details, infrastructure errors are mapped
 * like REST maps them, anything else is a generic 500. There is no HTTP request, so the
 * requestId is minted here; it is also logged, to correlate a client's report with the log.
 */
export function toWsErrorEnvelope(exception: unknown): ErrorEnvelope {
  const requestId = randomUUID();
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    if (typeof body === 'string') {
      return envelope(status, body, defaultCode(status), undefined, requestId);
    }
    const { message, code, details } = body as Partial<ErrorBody> & { message?: unknown };
    const text = Array.isArray(message)
      ? message.join('; ')
      : typeof message === 'string'
        ? message
        : exception.message;
    return envelope(status, text, code ?? defaultCode(status), details, requestId);
  }
  const mapped = mapInfrastructureError(exception);
  if (mapped) {
    return envelope(mapped.status, mapped.message, mapped.code, undefined, requestId);
  }
  return envelope(500, 'Internal server error', 'INTERNAL_ERROR', undefined, requestId);
}

function envelope(
  statusCode: number,
  error: string,
  code: string,
  details: unknown[] | undefined,
  requestId: string,
): ErrorEnvelope {
  return { success: false, statusCode, error, code, ...(details ? { details } : {}), requestId };
}

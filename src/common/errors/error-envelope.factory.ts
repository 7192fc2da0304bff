import { HttpException } from '@nestjs/common';
import { defaultCode, type ErrorBody, type ErrorEnvelope } from './error-envelope';
import { mapInfrastructureError } from './infrastructure-errors';

export interface DescribedError {
  status: number;
  message: string;
  code: string;
  details?: unknown[];
  /** False for an unexpected error answered with the generic 500. */
  expected: boolean;
}

function fromHttpException(exception: HttpException): DescribedError {
  const status = exception.getStatus();
  const body = exception.getResponse();
  if (typeof body === 'string') {
    return { status, message: body, code: defaultCode(status), expected: true };
  }
  const { message, code, details } = body as Partial<ErrorBody> & { message?: unknown };
  const text = Array.isArray(message)
    ? message.join('; ')
    : typeof message === 'string'
      ? message
      : exception.message;
  return {
    status,
    message: text,
    code: code ?? defaultCode(status),
    ...(details ? { details } : {}),
    expected: true,
  };
}

/**
 * What any failure means to a client, for REST and socket.io alike: HttpExceptions keep their
 * status, code and details; known infrastructure errors (Postgres, body parser) are mapped on
 * purpose; anything else is a generic 500 that reveals nothing.
 */
export function describeError(exception: unknown): DescribedError {
  if (exception instanceof HttpException) {
    return fromHttpException(exception);
  }
  const mapped = mapInfrastructureError(exception);
  if (mapped) {
    return { ...mapped, expected: true };
  }
  return { status: 500, message: 'Internal server error', code: 'INTERNAL_ERROR', expected: false };
}

export function toErrorEnvelope(described: DescribedError, requestId: string): ErrorEnvelope {
  return {
    success: false,
    statusCode: described.status,
    error: described.message,
    code: described.code,
    ...(described.details ? { details: described.details } : {}),
    requestId,
  };
}

import { QueryFailedError } from 'typeorm';
import { describePostgresError, type PostgresErrorDescription } from './postgres-errors';

interface Mapped {
  status: number;
  message: string;
  code: string;
}

interface BodyParserError {
  type?: unknown;
  status?: unknown;
  expose?: unknown;
  message?: unknown;
}

const BODY_PARSER_ERRORS: Record<string, Mapped> = {
  'entity.parse.failed': {
    status: 400,
    message: 'Malformed JSON in request body',
    code: 'MALFORMED_JSON',
  },
  'entity.too.large': {
    status: 413,
    message: 'Request body is too large',
    code: 'PAYLOAD_TOO_LARGE',
  },
  'encoding.unsupported': {
    status: 415,
    message: 'Unsupported content encoding',
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  'charset.unsupported': {
    status: 415,
    message: 'Unsupported charset',
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  'request.aborted': { status: 400, message: 'Request aborted', code: 'REQUEST_ABORTED' },
};

const UNAVAILABLE: Mapped = {
  status: 503,
  message: 'Database unavailable',
  code: 'DATABASE_UNAVAILABLE',
};

/** A failed statement: the request's own fault (400, 409) or a statement timeout (503). */
function mapQueryFailure({ kind, cause }: PostgresErrorDescription): Mapped | null {
  switch (kind) {
    case 'conflict':
      return { status: 409, message: cause, code: 'CONFLICT' };
    case 'invalid-value':
      return { status: 400, message: cause, code: 'INVALID_VALUE' };
    case 'statement-timeout':
      return { status: 503, message: cause, code: 'DATABASE_UNAVAILABLE' };
    case 'unavailable':
    case 'refused':
    case undefined:
      return null;
  }
}

/** "The database is not there right now": a 503 the client may retry, not a 500. */
const isUnavailable = (error: unknown): boolean =>
  describePostgresError(error).kind === 'unavailable';

/** Maps errors from Postgres and from express's body parser to a deliberate status, or null. */
export function mapInfrastructureError(error: unknown): Mapped | null {
  const parserType = (error as BodyParserError | null)?.type;
  if (typeof parserType === 'string' && parserType in BODY_PARSER_ERRORS) {
    return BODY_PARSER_ERRORS[parserType] ?? null;
  }
  const driverError = (error as { driverError?: unknown } | null)?.driverError;
  if (error instanceof QueryFailedError) {
    const mapped = mapQueryFailure(describePostgresError(driverError));
    if (mapped !== null) {
      return mapped;
    }
  }
  if (isUnavailable(error) || isUnavailable(driverError)) {
    return UNAVAILABLE;
  }
  return null;
}

import { QueryFailedError } from 'typeorm';

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

const POSTGRES_ERRORS: Record<string, Mapped> = {
  '23505': { status: 409, message: 'Conflicts with an existing record', code: 'CONFLICT' },
  '22P02': { status: 400, message: 'Invalid value in request', code: 'INVALID_VALUE' },
  '22003': { status: 400, message: 'Number out of range', code: 'INVALID_VALUE' },
  '22001': { status: 400, message: 'Value too long', code: 'INVALID_VALUE' },
  '23503': { status: 409, message: 'Refers to a record that does not exist', code: 'CONFLICT' },
  '40001': { status: 409, message: 'Concurrent update, retry the request', code: 'CONFLICT' },
  '57014': { status: 503, message: 'Database statement timed out', code: 'DATABASE_UNAVAILABLE' },
};

const UNAVAILABLE: Mapped = {
  status: 503,
  message: 'Database unavailable',
  code: 'DATABASE_UNAVAILABLE',
};

/** Errors that mean "the database is not there right now": a 503 the client may retry, not a 500. */
function isConnectionFailure(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (
    typeof code === 'string' &&
    (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code) ||
      code.startsWith('08') ||
      code === '57P01')
  ) {
    return true;
  }
  return (
    typeof message === 'string' &&
    /Connection terminated|Query read timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established/i.test(
      message,
    )
  );
}

/** Maps errors from Postgres and from express's body parser to a deliberate status, or null. */
export function mapInfrastructureError(error: unknown): Mapped | null {
  const parserType = (error as BodyParserError | null)?.type;
  if (typeof parserType === 'string' && parserType in BODY_PARSER_ERRORS) {
    return BODY_PARSER_ERRORS[parserType] ?? null;
  }
  if (error instanceof QueryFailedError) {
    const code = (error.driverError as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && code in POSTGRES_ERRORS) {
      return POSTGRES_ERRORS[code] ?? null;
    }
  }
  if (
    isConnectionFailure(error) ||
    isConnectionFailure((error as { driverError?: unknown } | null)?.driverError)
  ) {
    return UNAVAILABLE;
  }
  return null;
}

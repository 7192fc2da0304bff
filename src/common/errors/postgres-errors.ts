/**
 * What a Postgres error means to this service, whoever meets it: startup (retry or give up), the
 * readiness probe (why the database is down) and the HTTP error filter (which status).
 */
export type PostgresErrorKind =
  /** The database cannot be reached right now: startup retries, a request gets 503. */
  | 'unavailable'
  /** A statement outlived statement_timeout: a request gets 503, as for an outage. */
  | 'statement-timeout'
  /** The server refused these credentials or this database: no retry can cure it. */
  | 'refused'
  /** The request's data conflicts with stored data: 409. */
  | 'conflict'
  /** The request carried a value Postgres cannot store: 400. */
  | 'invalid-value';

interface PostgresErrorEntry {
  kind: PostgresErrorKind;
  /** In words a person can act on; without it, the error's own message is the cause. */
  cause?: string;
  /** For `refused`: what to say when the server's message is missing. */
  hint?: string;
}

/** SQLSTATE codes, and the socket codes node-postgres passes through, this service tells apart. */
const POSTGRES_ERRORS: Readonly<Record<string, PostgresErrorEntry>> = {
  ECONNREFUSED: {
    kind: 'unavailable',
    cause: 'connection refused (is Postgres running on that host and port?)',
  },
  ENOTFOUND: { kind: 'unavailable', cause: 'host name not found' },
  EAI_AGAIN: { kind: 'unavailable', cause: 'host name not found' },
  ETIMEDOUT: { kind: 'unavailable', cause: 'connection timed out' },
  ECONNRESET: { kind: 'unavailable' },
  EPIPE: { kind: 'unavailable' },
  '57P01': { kind: 'unavailable' },
  '57P03': { kind: 'unavailable', cause: 'the database system is starting up' },
  '28P01': { kind: 'refused', cause: 'authentication failed', hint: 'check user and password' },
  '28000': { kind: 'refused', cause: 'authentication failed', hint: 'check user and password' },
  '3D000': { kind: 'refused', cause: 'database missing', hint: 'create it first' },
  '57014': { kind: 'statement-timeout', cause: 'Database statement timed out' },
  '23505': { kind: 'conflict', cause: 'Conflicts with an existing record' },
  '23503': { kind: 'conflict', cause: 'Refers to a record that does not exist' },
  '40001': { kind: 'conflict', cause: 'Concurrent update, retry the request' },
  // Raised by the message trigger when AGENT_MULTITASK=reject (migration CreateAgentRuns).
  RN409: {
    kind: 'conflict',
    cause: 'The assistant is still answering in this session: wait for its reply, or cancel it',
  },
  '22P02': { kind: 'invalid-value', cause: 'Invalid value in request' },
  '22003': { kind: 'invalid-value', cause: 'Number out of range' },
  '22001': { kind: 'invalid-value', cause: 'Value too long' },
  // Text Postgres cannot store: a NUL character (22021), or bytes invalid in the encoding (22P05).
  // Validation refuses both first; this keeps any path it misses a 400, never a 500.
  '22021': { kind: 'invalid-value', cause: 'Text with a character that cannot be stored (NUL)' },
  '22P05': { kind: 'invalid-value', cause: 'Text with a character that cannot be stored' },
  // Raised by idempotency_key_claim (migration CreateIdempotencyKeys); the sessions code turns it
  // into IDEMPOTENCY_KEY_IN_PROGRESS, this keeps any other caller a 409.
  RI409: { kind: 'conflict', cause: 'A request with this Idempotency-Key is still in progress' },
};

/** node-postgres and TypeORM report a lost connection in words only, without a code. */
const CONNECTION_LOST =
  /Connection terminated|Query read timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established/i;

export interface PostgresErrorDescription {
  /** Undefined: nothing this service treats on purpose (a bug, or an error from elsewhere). */
  kind: PostgresErrorKind | undefined;
  cause: string;
}

export function describePostgresError(error: unknown): PostgresErrorDescription {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const own = typeof message === 'string' ? message : undefined;
  const entry = typeof code === 'string' ? POSTGRES_ERRORS[code] : undefined;
  if (entry !== undefined) {
    const cause = entry.cause ?? own ?? String(error);
    return {
      kind: entry.kind,
      cause: entry.hint === undefined ? cause : `${cause} (${own ?? entry.hint})`,
    };
  }
  // Class 08: connection exceptions.
  const lost =
    (typeof code === 'string' && code.startsWith('08')) ||
    (own !== undefined && CONNECTION_LOST.test(own));
  return { kind: lost ? 'unavailable' : undefined, cause: own ?? String(error) };
}

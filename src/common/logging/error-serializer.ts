/**
 * What a logged error may say. An error object carries whatever its author attached: typeorm's
 * QueryFailedError its `parameters` (a user's message text, among others), pg's DatabaseError a
 * `detail` quoting the row ("Key (title)=(…) already exists"), an HTTP client error the request
 * body. pino's default serializer logs every enumerable field, so those reached the log. This
 * one keeps fields known to be about the failure, not the data: names, codes, the statement's
 * shape (its placeholders, never their values), Postgres' constraint, table and column.
 */
const SAFE_FIELDS = [
  'code',
  'errno',
  'syscall',
  'address',
  'port',
  'status',
  'statusCode',
  'retryable',
  'attempts',
  'retryAfterMs',
  'provider',
  'model',
  // node-postgres' DatabaseError: where it failed, not with which values.
  'severity',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'routine',
] as const;

/** Causes and driver errors nest; a cycle or a deep chain stops here. */
const MAX_NESTING = 3;
/** Long enough for any statement of this service; a generated one is cut. */
const MAX_QUERY_LENGTH = 2000;

export interface LoggedError {
  type: string;
  message: string;
  stack?: string;
  query?: string;
  driverError?: LoggedError;
  cause?: LoggedError;
  [field: string]: unknown;
}

/** SQLSTATE class 22, data exceptions, quotes the offending value in the message itself. */
const quotesTheValue = (code: unknown): boolean =>
  typeof code === 'string' && code.startsWith('22');

function safeMessage(error: Record<string, unknown>, code: unknown): string {
  if (quotesTheValue(code)) {
    return `data exception (SQLSTATE ${String(code)}); the value is not logged`;
  }
  return typeof error.message === 'string' ? error.message : '';
}

/** The frames of the stack under a header that says no more than `message`. */
function safeStack(stack: unknown, type: string, message: string): string | undefined {
  if (typeof stack !== 'string') {
    return undefined;
  }
  const firstFrame = stack.search(/\n\s+at /);
  return `${type}: ${message}${firstFrame === -1 ? '' : stack.slice(firstFrame)}`;
}

function serialize(value: unknown, depth: number): LoggedError | undefined {
  if (value === null || typeof value !== 'object') {
    // Something thrown that is not an object (a string, say): only its kind is logged.
    return value === undefined ? undefined : { type: typeof value, message: '' };
  }
  const error = value as Record<string, unknown>;
  const driverError = error.driverError as Record<string, unknown> | undefined;
  const code = error.code ?? driverError?.code;
  // pino-http hands its serializer the output of pino's own (a plain object naming the `type`).
  const type =
    typeof error.type === 'string'
      ? error.type
      : typeof error.name === 'string' && error.name !== ''
        ? error.name
        : value.constructor.name;
  const message = safeMessage(error, code);
  const logged: LoggedError = { type, message };
  const stack = safeStack(error.stack, type, message);
  if (stack !== undefined) {
    logged.stack = stack;
  }
  for (const field of SAFE_FIELDS) {
    const fieldValue = error[field];
    if (['string', 'number', 'boolean'].includes(typeof fieldValue)) {
      logged[field] = fieldValue;
    }
  }
  if (typeof error.query === 'string') {
    logged.query = error.query.slice(0, MAX_QUERY_LENGTH);
  }
  if (depth < MAX_NESTING) {
    const nestedDriver = serialize(driverError, depth + 1);
    if (nestedDriver !== undefined) {
      logged.driverError = nestedDriver;
    }
    const cause = serialize(error.cause, depth + 1);
    if (cause !== undefined) {
      logged.cause = cause;
    }
  }
  return logged;
}

/**
 * pino's `err` serializer for every logger of the service. pino-http runs it on the result of
 * pino's standard one (pino-std-serializers wrapErrorSerializer), which copies every field.
 */
export function serializeError(error: unknown): LoggedError | undefined {
  return serialize(error, 0);
}

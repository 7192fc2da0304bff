import { DatabaseError } from 'pg';
import { stdSerializers } from 'pino';
import { QueryFailedError } from 'typeorm';
import { serializeError } from './error-serializer';

const SECRET = 'the user wrote this';

function pgError(
  code: string,
  message: string,
  fields: Partial<DatabaseError> = {},
): DatabaseError {
  return Object.assign(new DatabaseError(message, 0, 'error'), { code, ...fields });
}

describe('serializeError', () => {
  it("should keep a failed statement's shape and where it failed, never its parameters", () => {
    const error = new QueryFailedError(
      'INSERT INTO messages (content) VALUES ($1)',
      [SECRET],
      pgError('23505', 'duplicate key value violates unique constraint "messages_pkey"', {
        detail: `Key (content)=(${SECRET}) already exists.`,
        constraint: 'messages_pkey',
        table: 'messages',
        schema: 'public',
      }),
    );

    const logged = serializeError(error);

    expect(JSON.stringify(logged)).not.toContain(SECRET);
    expect(logged).toMatchObject({
      type: 'QueryFailedError',
      code: '23505',
      constraint: 'messages_pkey',
      table: 'messages',
      query: 'INSERT INTO messages (content) VALUES ($1)',
      driverError: { code: '23505', constraint: 'messages_pkey' },
    });
    expect(logged?.stack).toMatch(/^QueryFailedError: duplicate key value .*\n\s+at /);
  });

  it("should do the same with what pino's standard serializer made of the error", () => {
    const error = new QueryFailedError(
      'INSERT INTO messages (content) VALUES ($1)',
      [SECRET],
      pgError('57014', 'canceling statement due to statement timeout'),
    );

    const logged = serializeError(stdSerializers.err(error));

    expect(JSON.stringify(logged)).not.toContain(SECRET);
    expect(logged).toMatchObject({ type: 'QueryFailedError', code: '57014' });
  });

  it('should drop the message of a data exception, which quotes the value', () => {
    const error = new QueryFailedError(
      'SELECT $1::uuid',
      [SECRET],
      pgError('22P02', `invalid input syntax for type uuid: "${SECRET}"`),
    );

    const logged = serializeError(error);

    expect(JSON.stringify(logged)).not.toContain(SECRET);
    expect(logged?.message).toBe('data exception (SQLSTATE 22P02); the value is not logged');
  });

  it('should keep what an ordinary error says, its cause included', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
      port: 5432,
    });
    const error = Object.assign(new Error('model call failed', { cause }), {
      status: 503,
      requestBody: { prompt: SECRET },
    });

    const logged = serializeError(error);

    expect(JSON.stringify(logged)).not.toContain(SECRET);
    expect(logged).toMatchObject({
      type: 'Error',
      message: 'model call failed',
      status: 503,
      cause: { message: 'connect ECONNREFUSED', code: 'ECONNREFUSED', port: 5432 },
    });
  });

  it('should stop at a cycle of causes', () => {
    const error = new Error('loop') as Error & { cause?: unknown };
    error.cause = error;
    expect(JSON.stringify(serializeError(error))).toContain('loop');
  });
});

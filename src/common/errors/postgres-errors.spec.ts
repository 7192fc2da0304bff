import { describePostgresError } from './postgres-errors';

const pgError = (code: string, message = 'server says no') =>
  Object.assign(new Error(message), { code });

describe('describePostgresError', () => {
  it('should give an unreachable database an actionable cause', () => {
    expect(describePostgresError(pgError('ECONNREFUSED'))).toEqual({
      kind: 'unavailable',
      cause: 'connection refused (is Postgres running on that host and port?)',
    });
    expect(describePostgresError(pgError('08006', 'lost'))).toEqual({
      kind: 'unavailable',
      cause: 'lost',
    });
    expect(describePostgresError(new Error('Connection terminated unexpectedly')).kind).toBe(
      'unavailable',
    );
  });

  it("should keep the server's message when it refuses the credentials or the database", () => {
    expect(describePostgresError(pgError('28P01', 'password authentication failed'))).toEqual({
      kind: 'refused',
      cause: 'authentication failed (password authentication failed)',
    });
  });

  it('should tell request faults from outages', () => {
    expect(describePostgresError(pgError('23505')).kind).toBe('conflict');
    expect(describePostgresError(pgError('22P02')).kind).toBe('invalid-value');
    expect(describePostgresError(pgError('22021')).kind).toBe('invalid-value');
    expect(describePostgresError(pgError('22P05')).kind).toBe('invalid-value');
    expect(describePostgresError(pgError('RI409')).kind).toBe('conflict');
    expect(describePostgresError(pgError('57014')).kind).toBe('statement-timeout');
    expect(describePostgresError(new Error('a bug'))).toEqual({ kind: undefined, cause: 'a bug' });
  });
});

import { Client } from 'pg';

export interface RecordedStatement {
  sql: string;
  parameters: unknown[];
}

/**
 * Every statement sent to Postgres while `run` runs, in order, whichever path sent it: a TypeORM
 * query runner (transactions) or a client taken straight from TypeORM's pool (src/database/
 * query-rows.ts). Both end in pg's Client#query, which is where this listens.
 */
export async function recordStatements<T>(
  run: () => PromiseLike<T>,
): Promise<{ result: T; statements: RecordedStatement[] }> {
  const spy = jest.spyOn(Client.prototype, 'query');
  try {
    const result = await run();
    const calls = spy.mock.calls as unknown as Array<[unknown, unknown?]>;
    return {
      result,
      statements: calls.map(([sql, parameters]) => ({
        sql: typeof sql === 'string' ? sql : (sql as { text: string }).text,
        parameters: Array.isArray(parameters) ? (parameters as unknown[]) : [],
      })),
    };
  } finally {
    spy.mockRestore();
  }
}

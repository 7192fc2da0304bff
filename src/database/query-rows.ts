import type { Pool, PoolClient } from 'pg';
import { type EntityManager, QueryFailedError } from 'typeorm';

/**
 * One statement and its parameters, as the builders of this folder return them. `Row` is what the
 * statement's rows look like: declared once, beside the SQL, and carried to queryRows.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- Row is only carried, never stored.
export interface SqlStatement<Row = unknown> {
  sql: string;
  parameters: unknown[];
}

/**
 * Runs one statement and returns its rows, whatever the command. TypeORM's `manager.query` returns
 * `[rows, count]` for UPDATE/DELETE but plain rows for SELECT/INSERT; pg's rows are uniform. Uses
 * the transaction's query runner when there is one; outside BEGIN/COMMIT a statement is its own
 * transaction, run on a client of the pool TypeORM's driver holds (see poolQuery).
 */
export async function queryRows<Row>(
  manager: EntityManager,
  statement: SqlStatement<Row>,
): Promise<Row[]> {
  const runner = manager.queryRunner;
  if (runner !== undefined) {
    const result = await runner.query(statement.sql, statement.parameters, true);
    return (result as { records: Row[] }).records;
  }
  const pool = (manager.connection.driver as unknown as { master?: Pool }).master;
  if (pool === undefined) {
    // Not connected (or a driver without a pg pool): TypeORM's own path and its own error.
    return manager.query<Row[]>(statement.sql, statement.parameters);
  }
  return poolQuery<Row>(pool, statement);
}

/**
 * What a TypeORM query runner does for one statement, without creating one per statement (a
 * measurable share of a simple GET's CPU): the same pool, so the same statement_timeout and
 * query_timeout (the pool's `extra`, src/database/data-source-options.ts); a failed connect
 * rejects with pg's own error, a failed statement with a QueryFailedError carrying it as
 * `driverError`, exactly as before, so src/common/errors/ maps both the same way. As TypeORM does,
 * the client is returned to the pool after a failed statement, and destroyed only when the
 * connection itself reported an error while checked out.
 */
async function poolQuery<Row>(pool: Pool, statement: SqlStatement<Row>): Promise<Row[]> {
  const client: PoolClient = await pool.connect();
  let connectionError: Error | undefined;
  const onError = (error: Error): void => {
    connectionError ??= error;
  };
  client.on('error', onError);
  try {
    const result = await client.query(statement.sql, statement.parameters);
    return result.rows as Row[];
  } catch (error) {
    throw new QueryFailedError(statement.sql, statement.parameters, error as Error);
  } finally {
    client.removeListener('error', onError);
    client.release(connectionError);
  }
}

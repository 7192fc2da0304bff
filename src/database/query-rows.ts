import type { EntityManager } from 'typeorm';

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
 * `[rows, count]` for UPDATE/DELETE but plain rows for SELECT/INSERT; the structured result is
 * uniform. Uses the transaction's query runner when there is one, otherwise a pooled one; outside
 * BEGIN/COMMIT a statement is its own transaction.
 */
export async function queryRows<Row>(
  manager: EntityManager,
  statement: SqlStatement<Row>,
): Promise<Row[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(statement.sql, statement.parameters, true);
    return (result as { records: Row[] }).records;
  } finally {
    if (runner !== manager.queryRunner) {
      await runner.release();
    }
  }
}

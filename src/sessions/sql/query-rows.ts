import type { EntityManager } from 'typeorm';

/**
 * Runs one statement and returns its rows, whatever the command. TypeORM's `manager.query` returns
 * `[rows, count]` for UPDATE/DELETE but plain rows for SELECT/INSERT; the structured result is
 * uniform. Uses the transaction's query runner when there is one, otherwise a pooled one.
 */
export async function queryRows<Row>(
  manager: EntityManager,
  sql: string,
  parameters: unknown[],
): Promise<Row[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return (result as { records: Row[] }).records;
  } finally {
    if (runner !== manager.queryRunner) {
      await runner.release();
    }
  }
}

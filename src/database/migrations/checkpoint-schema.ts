import type { Pool } from 'pg';
import type { QueryRunner } from 'typeorm';

/** Where LangGraph's Postgres checkpointer keeps the assistant's conversation checkpoints. */
export const CHECKPOINT_SCHEMA = 'agent_checkpoints';

/**
 * Creates (or brings up to date) the checkpointer's tables inside one of our migrations.
 * PostgresSaver.setup() migrates with no lock and no transaction, so replicas booting together
 * would race it; run here, it is inside our migration's transaction and under our migration lock.
 * setup() only needs `connect()` and `query()`, so it gets this migration's own connection. Each
 * statement runs under a savepoint: setup() probes for its version table and expects the "no such
 * table" error, which would otherwise abort our transaction. setup() records what it applied in
 * its own table, so a later migration can call this again after an upgrade of the package.
 *
 * The package is loaded here, not at the top of the file: it brings @langchain/core with it (a few
 * hundred ms), and every startup loads the migrations while only a pending one calls this.
 */
export async function setUpCheckpointSchema(queryRunner: QueryRunner): Promise<void> {
  const client = {
    query: async (text: string, parameters?: unknown[]) => {
      await queryRunner.query('SAVEPOINT checkpoint_setup');
      try {
        const rows: unknown = await queryRunner.query(text, parameters);
        await queryRunner.query('RELEASE SAVEPOINT checkpoint_setup');
        return { rows: Array.isArray(rows) ? rows : [] };
      } catch (error) {
        await queryRunner.query('ROLLBACK TO SAVEPOINT checkpoint_setup');
        // The pg error itself (with its `code`), as setup() expects from a pg client.
        throw (error as { driverError?: unknown }).driverError ?? error;
      }
    },
    release: () => undefined,
  };
  const { PostgresSaver } = await import('@langchain/langgraph-checkpoint-postgres');
  const pool = { connect: () => Promise.resolve(client) } as unknown as Pool;
  await new PostgresSaver(pool, undefined, { schema: CHECKPOINT_SCHEMA }).setup();
}

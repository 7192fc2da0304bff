import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { CHECKPOINT_SCHEMA } from '../../database/migrations/checkpoint-schema';
import { queryRows } from '../../database/query-rows';
import type { ModelProvider } from '../providers/model-provider';
import { runIsCurrentStatement } from '../sql/run.sql';
import { ConversationGraph } from './conversation-graph';
import { TrackedCheckpointer } from './tracked-checkpointer';
import type { TurnAttempt } from './turn-context';

/**
 * The conversation graph on the app's own pool, each checkpoint write fenced by the run attempt
 * that makes it. Importing this file loads LangGraph: only ConversationGraphLoader imports it.
 */
export function createConversationGraph(
  provider: ModelProvider,
  dataSource: DataSource,
): ConversationGraph {
  // The app's own pool (TypeORM's pg driver keeps it as `master`).
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  const isCurrent = async ({ runId, attempt }: TurnAttempt): Promise<boolean> =>
    (await queryRows(dataSource.manager, runIsCurrentStatement(runId, attempt))).length > 0;
  return new ConversationGraph(
    provider,
    new TrackedCheckpointer(pool, { schema: CHECKPOINT_SCHEMA }, isCurrent),
  );
}

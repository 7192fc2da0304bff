import type { RunnableConfig } from '@langchain/core/runnables';
import type {
  ChannelVersions,
  Checkpoint,
  CheckpointMetadata,
  PendingWrite,
} from '@langchain/langgraph-checkpoint';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import type { Pool } from 'pg';
import { type TurnAttempt, turnAttempt } from './turn-context';

/** A checkpoint write of an attempt whose run was taken over: refused, like its other writes. */
export class FencedOffError extends Error {
  constructor(turn: TurnAttempt) {
    super(
      `run ${turn.runId} attempt ${turn.attempt} was taken over: its checkpoint is not written`,
    );
    this.name = 'FencedOffError';
  }
}

/**
 * LangGraph's Postgres checkpointer, on the app's own pool, counting its writes in flight so that
 * the shutdown can wait for them (the "flush conversation checkpoints" step) before the pool
 * closes. LangGraph writes checkpoints asynchronously by default: a step's checkpoint may still
 * be on its way while the next step runs, or when a run is stopped. Never call end() here: it
 * would end the pool the app shares.
 *
 * Fenced like every write of a run: a write made for an attempt that is no longer the running one
 * (its replica froze past its lease and another took the run over) is refused, so the stale
 * attempt cannot fork the conversation the model reads next. The check runs just before the
 * write, not in its transaction: a takeover needs a lease to lapse first, seconds in which the
 * stale attempt's own lease renewal has already been refused.
 */
export class TrackedCheckpointer extends PostgresSaver {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    pool: Pool,
    options: { schema: string },
    private readonly isCurrent: (turn: TurnAttempt) => Promise<boolean>,
  ) {
    super(pool, undefined, options);
  }

  override put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    return this.track(
      this.fenced().then(() => super.put(config, checkpoint, metadata, newVersions)),
    );
  }

  override putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
  ): Promise<void> {
    return this.track(this.fenced().then(() => super.putWrites(config, writes, taskId)));
  }

  get pendingWrites(): number {
    return this.inFlight.size;
  }

  /** Resolves once every write started so far has settled (failed writes included). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** Rejects when the write belongs to an attempt that is no longer running. */
  private async fenced(): Promise<void> {
    const turn = turnAttempt.getStore();
    if (turn !== undefined && !(await this.isCurrent(turn))) {
      throw new FencedOffError(turn);
    }
  }

  private track<T>(write: Promise<T>): Promise<T> {
    this.inFlight.add(write);
    void write.then(
      () => this.inFlight.delete(write),
      () => this.inFlight.delete(write),
    );
    return write;
  }
}

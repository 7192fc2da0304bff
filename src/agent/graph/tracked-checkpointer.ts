import type { RunnableConfig } from '@langchain/core/runnables';
import type {
  ChannelVersions,
  Checkpoint,
  CheckpointMetadata,
  PendingWrite,
} from '@langchain/langgraph-checkpoint';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';

/**
 * LangGraph's Postgres checkpointer, on the app's own pool, counting its writes in flight so that
 * the shutdown can wait for them (the "flush conversation checkpoints" step) before the pool
 * closes. LangGraph writes checkpoints asynchronously by default: a step's checkpoint may still
 * be on its way while the next step runs, or when a run is stopped. Never call end() here: it
 * would end the pool the app shares.
 */
export class TrackedCheckpointer extends PostgresSaver {
  private readonly inFlight = new Set<Promise<unknown>>();

  override put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    return this.track(super.put(config, checkpoint, metadata, newVersions));
  }

  override putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
  ): Promise<void> {
    return this.track(super.putWrites(config, writes, taskId));
  }

  get pendingWrites(): number {
    return this.inFlight.size;
  }

  /** Resolves once every write started so far has settled (failed writes included). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
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

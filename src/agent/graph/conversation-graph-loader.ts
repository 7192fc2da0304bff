import type { DataSource } from 'typeorm';
import type { ModelProvider } from '../providers/model-provider';
import type { ConversationGraph } from './conversation-graph';

/**
 * This replica's conversation graph, loaded only when the replica runs the assistant's runs
 * (AGENT_RUNS_ENABLED). LangGraph and its Postgres checkpointer, with @langchain/core under them,
 * take a few hundred ms to load: a replica with runs off never needs them, and would pay that at
 * every start. With runs on, `load` runs while Nest creates the application (an async provider,
 * which it awaits), so a replica that answers ready can run a turn at once.
 */
export class ConversationGraphLoader {
  private constructor(private readonly loaded: ConversationGraph | undefined) {}

  static async load(
    runsEnabled: boolean,
    provider: ModelProvider,
    dataSource: DataSource,
  ): Promise<ConversationGraphLoader> {
    if (!runsEnabled) {
      return new ConversationGraphLoader(undefined);
    }
    const { createConversationGraph } = await import('./create-conversation-graph');
    return new ConversationGraphLoader(createConversationGraph(provider, dataSource));
  }

  /** The graph; only a replica with runs on has one, and only such a replica runs a turn. */
  get graph(): ConversationGraph {
    if (this.loaded === undefined) {
      throw new Error(
        'no conversation graph: assistant runs are off on this instance (AGENT_RUNS_ENABLED=false)',
      );
    }
    return this.loaded;
  }

  /** Resolves once the checkpoint writes in flight have settled; with runs off there are none. */
  async flushCheckpoints(): Promise<void> {
    await this.loaded?.checkpointer.flush();
  }
}

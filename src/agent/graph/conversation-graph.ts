import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import type { AgentSessionContext } from '../agent-session-context';
import { buildSystemPrompt } from '../prompt/system-prompt';
import type {
  ConversationMessage,
  ModelProvider,
  ReplyFinishReason,
  TokenUsage,
} from '../providers/model-provider';
import type { TrackedCheckpointer } from './tracked-checkpointer';
import { type TurnAttempt, turnAttempt } from './turn-context';

const ConversationState = Annotation.Root({
  messages: Annotation<ConversationMessage[]>({
    reducer: (current, added) => current.concat(added),
    default: () => [],
  }),
});

/** What one turn needs besides the conversation: kept out of the graph's (checkpointed) config. */
export interface Turn {
  session: AgentSessionContext;
  signal: AbortSignal;
  /** Each slice of the reply, in order, as the model streams it. */
  onText(text: string): void;
  /** The run attempt this turn belongs to: its checkpoint writes are fenced by it. */
  attempt: TurnAttempt;
  /** Filled in when the reply has ended. */
  result?: { usage: TokenUsage; finishReason: ReplyFinishReason };
}

/**
 * The conversation as a LangGraph graph: its thread is the session, its state the messages, its
 * checkpoints in Postgres. One node answers the last user message with the model, streaming each
 * slice to the turn's `onText`. A thread that has no checkpoint yet (a session older than the
 * assistant) is seeded with the messages the session already has.
 */
export class ConversationGraph {
  private readonly turns = new Map<string, Turn>();
  private readonly graph;

  constructor(
    private readonly provider: ModelProvider,
    readonly checkpointer: TrackedCheckpointer,
  ) {
    this.graph = new StateGraph(ConversationState)
      .addNode('reply', async (state, config) => {
        const turnId = String(config.configurable?.turn_id);
        const turn = this.turns.get(turnId);
        if (turn === undefined) {
          throw new Error(`no turn ${turnId} on this replica`);
        }
        let reply = '';
        for await (const event of this.provider.streamReply({
          systemPrompt: buildSystemPrompt(turn.session),
          messages: state.messages,
          session: turn.session,
          signal: turn.signal,
        })) {
          if (event.type === 'text') {
            reply += event.text;
            turn.onText(event.text);
          } else {
            turn.result = { usage: event.usage, finishReason: event.finishReason };
          }
        }
        return { messages: [{ role: 'assistant', content: reply }] };
      })
      .addEdge(START, 'reply')
      .addEdge('reply', END)
      .compile({ checkpointer });
  }

  /**
   * Runs one turn of `sessionId`'s conversation: `userMessage` added, the reply streamed.
   * `history()` is read only when the thread has no checkpoint yet.
   */
  async answer(
    sessionId: string,
    turnId: string,
    userMessage: ConversationMessage,
    history: () => Promise<ConversationMessage[]>,
    turn: Turn,
  ): Promise<void> {
    const config = { configurable: { thread_id: sessionId, turn_id: turnId } };
    const existing = await this.checkpointer.getTuple({ configurable: { thread_id: sessionId } });
    // A turn started over (its attempt was handed back or its lease lapsed) finds its question
    // already in the thread, last: it is answered again, not asked twice.
    const messages = existing?.checkpoint.channel_values.messages as
      ConversationMessage[] | undefined;
    const last = messages?.at(-1);
    const asked = last?.role === 'user' && last.content === userMessage.content;
    const input = existing === undefined ? await history() : asked ? [] : [userMessage];
    this.turns.set(turnId, turn);
    try {
      await turnAttempt.run(turn.attempt, () =>
        this.graph.invoke({ messages: input }, { ...config, signal: turn.signal }),
      );
    } finally {
      this.turns.delete(turnId);
    }
  }

  /** Records a reply stopped by its user, so the next turn's model sees what was said. */
  async recordPartialReply(sessionId: string, text: string): Promise<void> {
    await this.graph.updateState(
      { configurable: { thread_id: sessionId } },
      { messages: [{ role: 'assistant', content: text }] },
      'reply',
    );
  }
}

import { Annotation, END, isGraphDrained, START, StateGraph } from '@langchain/langgraph';
import type { ReplyEvent } from '../providers/model-provider';
import type { AgentSessionContext } from '../agent-session-context';
import { buildSystemPrompt } from '../prompt/system-prompt';
import type {
  ConversationMessage,
  ModelProvider,
  ReplyFinishReason,
  TokenUsage,
} from '../providers/model-provider';
import type { TrackedCheckpointer } from './tracked-checkpointer';
import { ReplyYield } from './reply-yield';
import { type TurnAttempt, turnAttempt } from './turn-context';

const ConversationState = Annotation.Root({
  messages: Annotation<ConversationMessage[]>({
    reducer: (current, added) => current.concat(added),
    default: () => [],
  }),
  /**
   * The reply so far of a turn stopped at shutdown (checkpointed with the reply still next), or
   * null once the reply has ended and joined `messages`.
   */
  draft: Annotation<string | null>({
    reducer: (_current, next) => next,
    default: () => null,
  }),
});

const YIELDED: unique symbol = Symbol('yielded');

/** What one turn needs besides the conversation: kept out of the graph's (checkpointed) config. */
export interface Turn {
  session: AgentSessionContext;
  signal: AbortSignal;
  /** Each slice of the reply, in order, as the model streams it. */
  onText(text: string): void;
  /** The run attempt this turn belongs to: its checkpoint writes are fenced by it. */
  attempt: TurnAttempt;
  /**
   * The reply so far, published and stored by earlier attempts of the run: the model continues
   * it, `onText` gets only what comes after it, and the reply stored in the thread is the whole.
   */
  continueFrom: string;
  /** Asked at shutdown: the reply stops at its next slice and the graph drains. */
  yield: ReplyYield;
  /** Filled in when the reply has ended. */
  result?: { usage: TokenUsage; finishReason: ReplyFinishReason };
}

/**
 * The conversation as a LangGraph graph: its thread is the session, its state the messages, its
 * checkpoints in Postgres. One node answers the last user message with the model, streaming each
 * slice to the turn's `onText`. At shutdown the turn yields: the node returns its draft, the
 * graph drains (GraphDrained) with the draft checkpointed, and a later attempt continues it. A thread that has no checkpoint yet (a session older than the
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
        return this.reply(state.messages, turn);
      })
      .addEdge(START, 'reply')
      // A yielded reply is still to be finished: its step loops back, and the drain stops the
      // graph before that next step, with `next = ['reply']` in the checkpoint.
      .addConditionalEdges('reply', (state) => (state.draft === null ? END : 'reply'), [
        'reply',
        END,
      ])
      .compile({ checkpointer });
  }

  /**
   * A turn's cooperative stop (its `yield`). Made here, with the graph, so that the code running
   * turns loads LangGraph only where the graph is loaded (see ConversationGraphLoader).
   */
  createYield(): ReplyYield {
    return new ReplyYield();
  }

  /** Whether a turn's error is its yield: the graph drained, the draft checkpointed. */
  isDrained(error: unknown): boolean {
    return isGraphDrained(error);
  }

  /**
   * Streams the reply to `messages` (the rest of it, after `turn.continueFrom`). When the turn is
   * asked to yield, it stops reading the model at once (at a slice boundary: a slice is passed on
   * whole or not at all) and returns the reply so far as the draft.
   */
  private async reply(
    messages: ConversationMessage[],
    turn: Turn,
  ): Promise<{ messages?: ConversationMessage[]; draft: string | null }> {
    if (turn.yield.isRequested) {
      throw new Error('the reply was asked to yield before it started');
    }
    const model = new AbortController();
    const stream = this.provider
      .streamReply({
        systemPrompt: buildSystemPrompt(turn.session),
        messages,
        session: turn.session,
        signal: AbortSignal.any([turn.signal, model.signal]),
        ...(turn.continueFrom === '' ? {} : { continueFrom: turn.continueFrom }),
      })
      [Symbol.asyncIterator]();
    const yielded = turn.yield.requested.then((): typeof YIELDED => YIELDED);
    let reply = turn.continueFrom;
    for (;;) {
      const next: IteratorResult<ReplyEvent> | typeof YIELDED = await Promise.race([
        stream.next(),
        yielded,
      ]);
      if (next === YIELDED) {
        // The read under way fails with `cancelled` and ends the provider's stream (its finally
        // blocks run); nobody waits for it.
        model.abort(new Error('the reply yielded'));
        stream.return?.().catch(() => undefined);
        return { draft: reply };
      }
      if (next.done === true) {
        break;
      }
      const event = next.value;
      if (event.type === 'text') {
        reply += event.text;
        turn.onText(event.text);
      } else {
        turn.result = { usage: event.usage, finishReason: event.finishReason };
      }
    }
    return { messages: [{ role: 'assistant', content: reply }], draft: null };
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
    // A turn resumed (its attempt was handed back or its lease lapsed) finds its question already
    // in the thread, last (a draft of its reply, if any, is kept apart from the messages): the
    // reply is continued, the question not asked twice.
    const messages = existing?.checkpoint.channel_values.messages as
      ConversationMessage[] | undefined;
    const last = messages?.at(-1);
    const asked = last?.role === 'user' && last.content === userMessage.content;
    const input = existing === undefined ? await history() : asked ? [] : [userMessage];
    this.turns.set(turnId, turn);
    try {
      await turnAttempt.run(turn.attempt, () =>
        this.graph.invoke(
          { messages: input, draft: null },
          { ...config, signal: turn.signal, control: turn.yield.control },
        ),
      );
    } finally {
      this.turns.delete(turnId);
    }
  }

  /** Records a reply stopped by its user, so the next turn's model sees what was said. */
  async recordPartialReply(sessionId: string, text: string): Promise<void> {
    await this.graph.updateState(
      { configurable: { thread_id: sessionId } },
      { messages: [{ role: 'assistant', content: text }], draft: null },
      'reply',
    );
  }
}

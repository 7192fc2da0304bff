import type { AgentSessionContext } from '../agent-session-context';

/**
 * The one seam between the agent and a language model. A provider streams one reply for a
 * conversation; everything around it (run queue, graph, persistence) only sees these types.
 */

export type ConversationRole = 'user' | 'assistant';

export interface ConversationMessage {
  role: ConversationRole;
  content: string;
}

export interface ReplyRequest {
  systemPrompt: string;
  /** Oldest first; the last one is normally the homeowner's new message. */
  messages: readonly ConversationMessage[];
  /**
   * The session the reply is for. A model reads it through the system prompt; the offline
   * assistant, which has no model, answers from it directly.
   */
  session: AgentSessionContext;
  /** Aborting it stops the reply (and any retry wait) and fails it with code `cancelled`. */
  signal: AbortSignal;
  /**
   * The reply so far, already delivered by an earlier attempt that was stopped (its replica shut
   * down or died). The provider streams only what comes after it: the caller already holds it.
   */
  continueFrom?: string;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** Why the reply ended. `max_tokens` means it was truncated by the output limit. */
export type ReplyFinishReason = 'stop' | 'max_tokens' | 'safety' | 'other';

/** Zero or more `text` events, then exactly one `end` event. Failures are thrown as ProviderError. */
export type ReplyEvent =
  | { type: 'text'; text: string }
  | { type: 'end'; usage: TokenUsage; finishReason: ReplyFinishReason };

export type ProviderName = 'gemini' | 'offline';

export interface ProviderDescription {
  provider: ProviderName;
  model: string;
}

export interface ModelProvider {
  /**
   * Streams the reply (or, with `continueFrom`, the rest of it). Once a `text` event has been
   * yielded the provider never retries, so the caller never receives the same text twice; an
   * error after that is final (`stream_cut`).
   */
  streamReply(request: ReplyRequest): AsyncIterable<ReplyEvent>;
  /** The cheapest call that proves the key and the model work; throws a ProviderError if not. */
  validate(signal: AbortSignal): Promise<void>;
  describe(): ProviderDescription;
}

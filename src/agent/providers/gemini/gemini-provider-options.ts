import type { RetryPolicy } from '../retry-policy';

/** Settings of the Gemini provider, filled by the caller (from the environment, in the app). */
export interface GeminiProviderOptions {
  apiKey: string;
  /** e.g. "gemini-2.5-flash" (a "models/" prefix is accepted too). */
  model: string;
  /** Another endpoint than Google's (a proxy, or a test server); the SDK appends /v1beta/... */
  baseUrl?: string;
  /** Unset: the model's default. */
  temperature?: number;
  /**
   * Cap on the reply. On thinking models (2.5) thinking tokens count against it too, so a small
   * cap can end a reply with `max_tokens` before any text.
   */
  maxOutputTokens?: number;
  /**
   * Tokens the model may spend thinking before it answers; 0 turns thinking off on 2.5 Flash
   * (the first token then comes much sooner). Unset: the model decides.
   */
  thinkingBudget?: number;
  /**
   * Longest wait for the server to say anything: the response, the first chunk, or the next one.
   * Re-armed on every chunk, so a long reply is never cut for taking long overall. 0 disables it.
   */
  requestTimeoutMs?: number;
  /** Retries before the first token; merged over DEFAULT_RETRY_POLICY. */
  retry?: Partial<RetryPolicy>;
}

export const DEFAULT_GEMINI_MODEL = 'gemini-2.5-flash';
export const DEFAULT_GEMINI_REQUEST_TIMEOUT_MS = 60_000;

import type { RetryPolicy } from '../retry-policy';

/** Settings of the Gemini provider, filled by the caller (from the environment, in the app). */
export interface GeminiProviderOptions {
  apiKey: string;
  /** e.g. "gemini-2.5-flash" (a "models/" prefix is accepted too). */
  model: string;
  /** Another endpoint than Google's (a proxy, or a test server); the SDK appends /v1beta/... */
  baseUrl?: string;
  temperature?: number;
  maxOutputTokens?: number;
  /**
   * Longest wait for the server to say anything: the response, the first chunk, or the next one.
   * Re-armed on every chunk, so a long reply is never cut for taking long overall. 0 disables it.
   */
  requestTimeoutMs?: number;
  /** Retries before the first token; merged over DEFAULT_RETRY_POLICY. */
  retry?: Partial<RetryPolicy>;
}

export const DEFAULT_GEMINI_MODEL = 'gemini-2.5-flash';
export const DEFAULT_GEMINI_REQUEST_TIMEOUT_MS = 30_000;

import { setTimeout as sleep } from 'node:timers/promises';

/** Retries for failures before the first token (see GeminiProvider). */
export interface RetryPolicy {
  /** Requests in total, the first included; 1 disables retries. */
  maxAttempts: number;
  /** Delay before the first retry; doubles on each further one. */
  baseDelayMs: number;
  /** Cap on any single delay. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8000,
};

/**
 * Delay before retry number `retry` (1 for the first retry): exponential, capped, with "equal
 * jitter" — a random point in the upper half — so replicas hit by the same outage spread out
 * while every retry still waits at least half its step.
 */
export function backoffDelayMs(
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal });
}

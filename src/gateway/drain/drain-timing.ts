/**
 * How long-lived clients are let go during a shutdown. Reconnect hints are jittered so that the
 * clients of a stopping replica do not all reconnect to the others in the same instant; closes are
 * spread over part of the drain deadline for the same reason.
 */
export const RECONNECT_HINT_MIN_MS = 500;
export const RECONNECT_HINT_MAX_MS = 3000;
/** Closes happen within this share of the drain deadline, leaving the rest as a safety margin. */
export const CLOSE_WINDOW_SHARE = 0.5;
/** Never spread closes over more than this, however long the deadline. */
export const CLOSE_WINDOW_MAX_MS = 2000;
export const CLOSE_BATCHES = 10;

export function closeWindowMs(deadlineMs: number): number {
  return Math.min(CLOSE_WINDOW_MAX_MS, Math.max(0, deadlineMs * CLOSE_WINDOW_SHARE));
}

/**
 * How long-lived clients are let go during a shutdown. Reconnect hints are jittered so that the
 * clients of a stopping replica do not all reconnect to the others in the same instant; closes are
 * spread over a window that grows with the number of clients, for the same reason. One client is
 * let go at once: spreading it would only delay the exit (docs/lifecycle.md, "Long-lived clients").
 */
export const RECONNECT_HINT_MIN_MS = 500;
export const RECONNECT_HINT_MAX_MS = 3000;
/** Each client beyond the first widens the close window by this much: 250 clients → 500 ms. */
export const CLOSE_WINDOW_PER_CLIENT_MS = 2;
/** The window never takes more than this share of the drain deadline, leaving a safety margin. */
export const CLOSE_WINDOW_SHARE = 0.5;
/** Never spread closes over more than this, however many clients and however long the deadline. */
export const CLOSE_WINDOW_MAX_MS = 2000;
export const CLOSE_BATCHES = 10;

export function closeWindowMs(clients: number, deadlineMs: number): number {
  const wanted = Math.max(0, clients - 1) * CLOSE_WINDOW_PER_CLIENT_MS;
  return Math.min(wanted, CLOSE_WINDOW_MAX_MS, Math.max(0, deadlineMs * CLOSE_WINDOW_SHARE));
}

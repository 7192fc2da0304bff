import { settlesWithin } from '../../common/async/with-timeout';
import { CLOSE_BATCHES, closeWindowMs } from './drain-timing';
import { jitteredBatches } from './jitter';

/** One kind of long-lived client, as the batched drain sees it. */
export interface BatchedDrainTarget<Client> {
  /** Every client open when the drain starts. */
  clients: readonly Client[];
  /** Tells a client to go; called for every client at once, before any is closed. */
  notify?(client: Client): void;
  /** Lets one client go (with its goodbye, if the kind has one). */
  close(client: Client): void;
  /** Resolves once this client is gone, whoever closed it. */
  closed(client: Client): Promise<void>;
  /** The last resort at the deadline: cut every client still open. Returns how many were. */
  cutAll(): number;
}

export interface BatchedDrainResult {
  /** Clients open at the start of the drain. */
  clients: number;
  /** Clients still open at the deadline, cut without a goodbye. */
  cut: number;
}

/**
 * The drain of SSE streams and socket.io clients alike: every client is told at once, then closed in
 * jittered batches over closeWindowMs(clients, deadline) — one client at once, thousands spread so
 * they do not stampede the other replicas — and whatever is still open at `deadlineMs` is cut.
 * Waits on the clients' own close events, not a poll, so the last close ends the drain at once.
 */
export async function drainInBatches<Client>(
  target: BatchedDrainTarget<Client>,
  deadlineMs: number,
): Promise<BatchedDrainResult> {
  const { clients } = target;
  if (target.notify !== undefined) {
    clients.forEach((client) => target.notify?.(client));
  }
  // Even the first batch waits for a timer (0 ms for one client): a close in the same tick as
  // the notice can overtake it on the wire, and the client would never read its notice.
  const timers = jitteredBatches(
    clients,
    CLOSE_BATCHES,
    closeWindowMs(clients.length, deadlineMs),
  ).map((batch) =>
    setTimeout(() => batch.items.forEach((client) => target.close(client)), batch.atMs),
  );
  const allGone = await settlesWithin(
    Promise.all(clients.map((client) => target.closed(client))),
    deadlineMs,
  );
  timers.forEach((timer) => clearTimeout(timer));
  return { clients: clients.length, cut: allGone ? 0 : target.cutAll() };
}

import { Injectable } from '@nestjs/common';
import { withTimeout } from '../common/async/with-timeout';

/** How far past its own deadline a source may run before the drain stops waiting for it. */
const OVERRUN_GRACE_MS = 250;

/**
 * A kind of connection that outlives a request (SSE streams, socket.io clients). Nest never ends
 * them on shutdown and server.close() waits for them forever (nestjs/nest#9517), so each kind tells
 * its clients to go and lets them go when the drain asks.
 */
export interface LongLivedConnectionSource {
  /** e.g. 'sse' or 'socket.io'; the key in /health/status and the shutdown summary. */
  readonly kind: string;
  /** Connections open now. */
  count(): number;
  /** Notify every client (with a jittered reconnect hint) and close them; resolves when all are gone. Returns how many were closed. */
  drain(deadlineMs: number): Promise<number>;
}

/** Where the gateway registers its connection kinds and where health and the drain read them. */
@Injectable()
export class LongLivedConnections {
  private readonly sources: LongLivedConnectionSource[] = [];

  register(source: LongLivedConnectionSource): void {
    this.sources.push(source);
  }

  all(): readonly LongLivedConnectionSource[] {
    return this.sources;
  }

  counts(): Record<string, number> {
    return Object.fromEntries(this.sources.map((source) => [source.kind, source.count()]));
  }

  /**
   * Drains every kind at once within `deadlineMs` (a duration). A source that throws or overruns
   * is reported, not awaited further: the HTTP drain after it destroys whatever it left open.
   */
  async drainAll(deadlineMs: number): Promise<LongLivedDrainResult> {
    const results = await Promise.all(
      this.sources.map(async (source) => {
        try {
          // A little beyond the source's own deadline, which it is expected to enforce itself.
          const closed = await withTimeout(
            () => source.drain(deadlineMs),
            deadlineMs + OVERRUN_GRACE_MS,
            'drain',
          );
          return { kind: source.kind, closed, error: undefined };
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          return { kind: source.kind, closed: 0, error: `${source.kind}: ${message}` };
        }
      }),
    );
    return {
      closed: Object.fromEntries(results.map((result) => [result.kind, result.closed])),
      failures: results.flatMap((result) => (result.error === undefined ? [] : [result.error])),
    };
  }
}

export interface LongLivedDrainResult {
  /** Connections closed, by kind ('sse', 'socket.io'). */
  closed: Record<string, number>;
  failures: string[];
}

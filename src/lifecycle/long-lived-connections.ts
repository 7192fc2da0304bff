import { Injectable } from '@nestjs/common';

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
}

import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../../config/app-config';
import { type CapSlot, ConnectionCaps } from '../caps/connection-caps';
import {
  LongLivedConnections,
  type LongLivedConnectionSource,
} from '../../lifecycle/long-lived-connections';
import { drainInBatches } from '../drain/drain-in-batches';
import { RECONNECT_HINT_MAX_MS, RECONNECT_HINT_MIN_MS } from '../drain/drain-timing';
import { jittered } from '../drain/jitter';
import type { SseStream } from './sse-stream';

/**
 * The open SSE streams of this instance, as one kind in the long-lived connection registry. Nest
 * never completes an SSE response on shutdown and server.close() would wait for it forever
 * (nestjs/nest#9517), so the drain ends each stream itself: a final `shutdown` event with a
 * jittered `retry:` (the EventSource reconnects after it, with Last-Event-ID, to another replica).
 * Once draining, new streams are refused with 503, and so are streams past the caps
 * (SSE_MAX_STREAMS, SSE_MAX_PER_PRINCIPAL).
 */
@Injectable()
export class SseConnections implements LongLivedConnectionSource {
  readonly kind = 'sse';
  private readonly logger = new Logger(SseConnections.name);
  private readonly open = new Set<SseStream>();
  private drainingNow = false;
  private readonly caps: ConnectionCaps;

  constructor(registry: LongLivedConnections, config: ConfigService<AppConfig, true>) {
    registry.register(this);
    const { caps } = config.getOrThrow('gateway', { infer: true });
    this.caps = new ConnectionCaps('SSE', {
      total: caps.sseStreams,
      perPrincipal: caps.sseStreamsPerPrincipal,
    });
  }

  get draining(): boolean {
    return this.drainingNow;
  }

  /**
   * A place for a stream of `caller` (common/rate-limit/caller-key.ts), taken before the stream's reads so that concurrent opens
   * cannot all pass the cap; throws LiveCapacityException (503) past it. Pass it to add(), or
   * release it if the stream never opens.
   */
  reserve(caller: string): CapSlot {
    return this.caps.take(caller);
  }

  add(stream: SseStream, slot: CapSlot): void {
    this.open.add(stream);
    void stream.closed.then(() => {
      this.open.delete(stream);
      slot.release();
      if (stream.wasCut) {
        this.logger.warn('SSE stream cut: its client stopped reading (SSE_MAX_BUFFERED_BYTES)');
      }
    });
    if (this.drainingNow) {
      // Opened while the drain was already under way (it passed the 503 check before): let go now.
      this.shutdown(stream);
    }
  }

  count(): number {
    return this.open.size;
  }

  async drain(deadlineMs: number): Promise<number> {
    this.drainingNow = true;
    const { clients, cut } = await drainInBatches(
      {
        clients: [...this.open],
        close: (stream) => this.shutdown(stream),
        closed: (stream) => stream.closed,
        cutAll: () => {
          const left = [...this.open];
          left.forEach((stream) => stream.destroy());
          return left.length;
        },
      },
      deadlineMs,
    );
    if (cut > 0) {
      this.logger.warn(`${cut} SSE streams still open at the drain deadline cut`);
    }
    return clients;
  }

  private shutdown(stream: SseStream): void {
    const retry = jittered(RECONNECT_HINT_MIN_MS, RECONNECT_HINT_MAX_MS);
    stream.end(
      { event: 'shutdown', retry, data: { reconnectInMs: retry } },
      { closeConnection: true },
    );
  }
}

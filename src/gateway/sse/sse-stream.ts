import type { Response } from 'express';
import { formatSseComment, formatSseFrame, type SseFrame } from './sse-frame';

export interface SseStreamOptions {
  heartbeatMs: number;
  /** Bytes queued for the client beyond its catch-up past which it is cut (it resumes by seq). */
  maxBufferedBytes: number;
}

interface Queued {
  chunk: string;
  bytes: number;
  /** Part of the catch-up, whose size RESUME_MAX_MESSAGES bounds: not held against the client. */
  catchUp: boolean;
}

/**
 * One open text/event-stream response: writes frames and heartbeat comments in order, and ends for
 * one of four reasons (client gone, session gone, shutdown, client not reading). `closed` resolves
 * once the response has closed, whoever ended it.
 *
 * Writes honour backpressure: a frame goes to the socket only while `write()` accepts more, the
 * rest waits in an ordered queue for `drain`. The queue is bounded: a client that does not read
 * is cut once more than `maxBufferedBytes` wait in the queue beyond what is left of its catch-up,
 * so a stalled client costs at most its catch-up plus that bound (and the socket's buffers).
 */
export class SseStream {
  readonly closed: Promise<void>;
  private heartbeat: NodeJS.Timeout | undefined;
  private ended = false;
  private readonly queue: Queued[] = [];
  private queuedBytes = 0;
  private catchUpBytes = 0;
  private waitingForDrain = false;
  private endWhenFlushed: (() => void) | undefined;
  private cut = false;

  constructor(
    private readonly res: Response,
    private readonly options: SseStreamOptions,
  ) {
    // The client may have gone while the session was being read: 'close' has fired already then.
    if (res.destroyed || res.socket === null || res.socket.destroyed) {
      this.ended = true;
      this.closed = Promise.resolve();
      return;
    }
    this.closed = new Promise((resolve) => res.once('close', () => resolve()));
    res.once('close', () => {
      this.stopHeartbeat();
      this.queue.length = 0;
    });
    res.status(200);
    res.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      // nginx would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    if (options.heartbeatMs > 0) {
      // unref'd: a heartbeat never keeps the process alive; the open response is what counts.
      this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
      this.heartbeat.unref();
    }
  }

  get isOpen(): boolean {
    return !this.ended && !this.res.destroyed;
  }

  /** Whether the stream was cut because its client did not read. */
  get wasCut(): boolean {
    return this.cut;
  }

  /** Bytes waiting for the client: in our queue and in the response's own buffer. */
  get bufferedBytes(): number {
    return this.queuedBytes + this.res.writableLength;
  }

  send(frame: SseFrame): void {
    this.enqueue(formatSseFrame(frame), false);
  }

  /** The snapshot and replayed messages: allowed beyond maxBufferedBytes until they are written. */
  sendCatchUp(frame: SseFrame): void {
    this.enqueue(formatSseFrame(frame), true);
  }

  /**
   * Sends a last frame (if any) after everything queued and ends the response; the client's
   * EventSource reconnects. `closeConnection` also ends the TCP connection once the response is
   * out: the stream's headers promised keep-alive, and during a drain an idle socket would
   * otherwise wait out the idle grace. Safe because the client waits the `retry:` it was just sent
   * before it sends anything again.
   */
  end(last?: SseFrame, { closeConnection = false }: { closeConnection?: boolean } = {}): void {
    if (!this.isOpen) {
      return;
    }
    if (last) {
      this.send(last);
    }
    this.ended = true;
    this.stopHeartbeat();
    const socket = this.res.socket;
    this.endWhenFlushed = () =>
      this.res.end(() => {
        if (closeConnection) {
          socket?.end();
        }
      });
    this.pump();
  }

  /** Cuts the connection without a goodbye (a deadline passed, or the client does not read). */
  destroy(): void {
    this.ended = true;
    this.stopHeartbeat();
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.catchUpBytes = 0;
    this.endWhenFlushed = undefined;
    this.res.destroy();
  }

  private beat(): void {
    // Only for an idle stream: one with data still queued needs no keep-alive, and a client that
    // does not read must not see its queue grow by heartbeats.
    if (this.bufferedBytes === 0) {
      this.enqueue(formatSseComment('heartbeat'), false);
    }
  }

  private enqueue(chunk: string, catchUp: boolean): void {
    if (!this.isOpen) {
      return;
    }
    const bytes = Buffer.byteLength(chunk);
    this.queue.push({ chunk, bytes, catchUp });
    this.queuedBytes += bytes;
    if (catchUp) {
      this.catchUpBytes += bytes;
    }
    // Our queue only: the response's own buffer holds at most its high-water mark plus one chunk,
    // since nothing more is written to it until 'drain'.
    if (this.queuedBytes - this.catchUpBytes > this.options.maxBufferedBytes) {
      this.cut = true;
      this.destroy();
      return;
    }
    this.pump();
  }

  /** Writes queued chunks in order while the response accepts more; resumes on 'drain'. */
  private pump(): void {
    while (!this.waitingForDrain && !this.res.destroyed) {
      const next = this.queue.shift();
      if (!next) {
        const finish = this.endWhenFlushed;
        this.endWhenFlushed = undefined;
        finish?.();
        return;
      }
      this.queuedBytes -= next.bytes;
      if (next.catchUp) {
        this.catchUpBytes -= next.bytes;
      }
      if (!this.res.write(next.chunk)) {
        this.waitingForDrain = true;
        this.res.once('drain', () => {
          this.waitingForDrain = false;
          this.pump();
        });
      }
    }
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}

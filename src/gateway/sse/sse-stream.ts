import type { Response } from 'express';
import { formatSseComment, formatSseFrame, type SseFrame } from './sse-frame';

/** A client that reads slower than we write is cut once this much is queued: it resumes by seq. */
const MAX_QUEUED_BYTES = 1024 * 1024;

/**
 * One open text/event-stream response: writes frames and heartbeat comments, and ends for one of
 * three reasons (client gone, session gone, shutdown). `closed` resolves once the response has
 * closed, whoever ended it.
 */
export class SseStream {
  readonly closed: Promise<void>;
  private heartbeat: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly res: Response,
    heartbeatMs: number,
  ) {
    // The client may have gone while the session was being read: 'close' has fired already then.
    if (res.destroyed || res.socket === null || res.socket.destroyed) {
      this.ended = true;
      this.closed = Promise.resolve();
      return;
    }
    this.closed = new Promise((resolve) => res.once('close', () => resolve()));
    res.once('close', () => this.stopHeartbeat());
    res.status(200);
    res.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      // nginx would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    if (heartbeatMs > 0) {
      // unref'd: a heartbeat never keeps the process alive; the open response is what counts.
      this.heartbeat = setInterval(() => this.write(formatSseComment('heartbeat')), heartbeatMs);
      this.heartbeat.unref();
    }
  }

  get isOpen(): boolean {
    return !this.ended && !this.res.destroyed;
  }

  send(frame: SseFrame): void {
    this.write(formatSseFrame(frame));
  }

  /**
   * Sends a last frame (if any) and ends the response; the client's EventSource reconnects.
   * `closeConnection` also ends the TCP connection once the response is out: the stream's headers
   * promised keep-alive, and during a drain an idle socket would otherwise wait out the idle grace.
   * Safe because the client waits the `retry:` it was just sent before it sends anything again.
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
    this.res.end(() => {
      if (closeConnection) {
        socket?.end();
      }
    });
  }

  /** Cuts the connection without a goodbye (the deadline passed). */
  destroy(): void {
    this.ended = true;
    this.stopHeartbeat();
    this.res.destroy();
  }

  private write(chunk: string): void {
    if (!this.isOpen) {
      return;
    }
    if (this.res.writableLength > MAX_QUEUED_BYTES) {
      this.destroy();
      return;
    }
    this.res.write(chunk);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}

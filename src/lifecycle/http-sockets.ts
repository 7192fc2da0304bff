import { Injectable } from '@nestjs/common';
import type { Socket } from 'node:net';

interface SocketState {
  /** Requests on this socket whose response has not closed yet (more than 1 only if pipelined). */
  active: number;
  /** When the socket last became idle (connected, or its last response closed). */
  idleSince: number;
  closeTimer: NodeJS.Timeout | undefined;
}

/**
 * Every TCP socket of the HTTP server (from its 'connection' event) and whether a request is
 * active on it, so the drain can close each socket at the right moment instead of Node's
 * `closeIdleConnections()`, which destroys any socket idle *at that instant* — including one on
 * which the client has just written a request the server has not read yet (ECONNRESET on an
 * accepted request in 7 of 25 plain-Nest drains; docs/lifecycle.md).
 *
 * Once `closeWhenIdle(graceMs)` is called, a socket is ended only after it has been idle for
 * `graceMs`: a keep-alive client that was active just before usually sends its next request within
 * that grace, gets it served with `Connection: close`, and Node closes the socket after that
 * response (nothing to race with). Busy sockets are left alone until their response is done.
 */
@Injectable()
export class HttpSockets {
  private readonly sockets = new Map<Socket, SocketState>();
  private graceMs: number | undefined;
  private closedWhileDraining = 0;
  private emptyWaiters: Array<() => void> = [];

  get count(): number {
    return this.sockets.size;
  }

  /** Sockets that closed (either side) since `closeWhenIdle` was called. */
  get closedSinceDrain(): number {
    return this.closedWhileDraining;
  }

  add(socket: Socket): void {
    const state: SocketState = { active: 0, idleSince: Date.now(), closeTimer: undefined };
    this.sockets.set(socket, state);
    socket.once('close', () => this.forget(socket));
    if (this.graceMs !== undefined) {
      this.scheduleClose(socket, state);
    }
  }

  /**
   * An upgraded socket (a websocket) is no longer HTTP: the drain of its long-lived kind lets it
   * go with a notice. Left here, the idle grace would end it without one.
   */
  handOff(socket: Socket): void {
    const state = this.sockets.get(socket);
    clearTimeout(state?.closeTimer);
    this.sockets.delete(socket);
    this.notifyIfEmpty();
  }

  requestStarted(socket: Socket): void {
    const state = this.sockets.get(socket);
    if (state) {
      state.active += 1;
      clearTimeout(state.closeTimer);
      state.closeTimer = undefined;
    }
  }

  responseClosed(socket: Socket): void {
    const state = this.sockets.get(socket);
    if (!state) {
      return;
    }
    state.active = Math.max(0, state.active - 1);
    if (state.active === 0) {
      state.idleSince = Date.now();
      if (this.graceMs !== undefined) {
        this.scheduleClose(socket, state);
      }
    }
  }

  /** From now on, end every socket that has been idle for `graceMs`. */
  closeWhenIdle(graceMs: number): void {
    this.graceMs = graceMs;
    for (const [socket, state] of this.sockets) {
      if (state.active === 0) {
        this.scheduleClose(socket, state);
      }
    }
  }

  /** Resolves when every socket has closed (at once if none is open). */
  whenAllClosed(): Promise<void> {
    if (this.sockets.size === 0) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.emptyWaiters.push(resolve));
  }

  /** The last resort at the drain deadline. Returns how many were still open. */
  destroyAll(): number {
    const left = this.sockets.size;
    for (const socket of this.sockets.keys()) {
      socket.destroy();
    }
    return left;
  }

  private scheduleClose(socket: Socket, state: SocketState): void {
    clearTimeout(state.closeTimer);
    const wait = Math.max(0, state.idleSince + (this.graceMs ?? 0) - Date.now());
    state.closeTimer = setTimeout(() => {
      state.closeTimer = undefined;
      if (state.active === 0) {
        // A FIN rather than a reset: a node client that sees it drops the socket from its pool.
        socket.end();
      }
    }, wait);
  }

  private forget(socket: Socket): void {
    const state = this.sockets.get(socket);
    clearTimeout(state?.closeTimer);
    if (!this.sockets.delete(socket)) {
      return;
    }
    if (this.graceMs !== undefined) {
      this.closedWhileDraining += 1;
    }
    this.notifyIfEmpty();
  }

  private notifyIfEmpty(): void {
    if (this.sockets.size === 0) {
      const waiters = this.emptyWaiters;
      this.emptyWaiters = [];
      waiters.forEach((resolve) => resolve());
    }
  }
}

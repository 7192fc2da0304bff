import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import { HttpSockets } from './http-sockets';
import { type InFlightRequest, InFlightRequests } from './in-flight-requests';
import { settlesWithin } from '../common/async/with-timeout';

export interface HttpDrainResult {
  /** Requests whose response finished during the drain. */
  completed: number;
  /** Requests still running at the deadline, destroyed. */
  cut: InFlightRequest[];
  /** TCP sockets that closed during the drain (by us or by the client). */
  socketsClosed: number;
}

/**
 * Stops the HTTP server without losing a request it accepted: stop accepting (first of all, see
 * stopAccepting); end each keep-alive socket once it has been idle for a short grace (HttpSockets);
 * wait until no request is in flight, bounded by the request timeout; at that deadline destroy what
 * is left and log which routes were cut. Everything within one bound, so a stuck client can delay
 * the exit but never hang it.
 */
@Injectable()
export class HttpDrainer {
  private readonly logger = new Logger(HttpDrainer.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly inFlight: InFlightRequests,
    private readonly sockets: HttpSockets,
  ) {}

  async drain(requestTimeoutMs: number, idleSocketGraceMs: number): Promise<HttpDrainResult> {
    const deadline = Date.now() + requestTimeoutMs;
    const completedBefore = this.inFlight.completedTotal;
    this.stopAccepting();
    this.sockets.closeWhenIdle(idleSocketGraceMs);

    await settlesWithin(this.inFlight.whenIdle(), deadline - Date.now());
    const cut = this.inFlight.list();
    if (cut.length > 0) {
      this.logger.error(
        {
          cut: cut.map((request) => ({
            method: request.method,
            route: request.route ?? '(not routed)',
            url: request.url,
            runningMs: Date.now() - request.startedAt,
          })),
        },
        `${cut.length} request(s) still running after ${requestTimeoutMs} ms cut: ` +
          cut.map((request) => `${request.method} ${request.route ?? request.url}`).join(', '),
      );
      this.inFlight.responses().forEach((res) => res.destroy());
    }

    // Idle sockets close within the grace; a client that never lets go is destroyed at the deadline.
    await settlesWithin(this.sockets.whenAllClosed(), deadline - Date.now());
    const destroyed = this.sockets.destroyAll();
    if (destroyed > 0) {
      this.logger.warn(`${destroyed} idle socket(s) still open at the deadline destroyed`);
    }
    return {
      completed: this.inFlight.completedTotal - completedBefore - cut.length,
      cut,
      socketsClosed: this.sockets.closedSinceDrain,
    };
  }

  /**
   * Closes the listener, idempotently. This comes before anyone is told to leave: a client told to
   * go (`Connection: close`, a drain notice) reconnects within milliseconds, and a connection that
   * reaches a listener about to close waits in the kernel's accept queue and is reset with it — an
   * accepted request lost (docs/lifecycle.md, "Close first, then tell"). Once closed, a reconnect
   * is refused at once, which the client knows never reached us.
   *
   * net.Server's close, not http.Server's: since Node 19 the latter also calls
   * closeIdleConnections(), which resets sockets on which a request has just been written. Nest's
   * own httpAdapter.close() later finds the listener already closed.
   */
  stopAccepting(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server?.listening) {
      NetServer.prototype.close.call(server);
    }
  }
}

import { Injectable } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { LifecycleState } from './lifecycle-state';

/**
 * From the first shutdown signal on, every response carries `Connection: close`, so a keep-alive
 * client stops reusing its socket and Node closes that socket as soon as the response is written.
 * Without it, `server.close()` waits for clients that keep sending on busy sockets (0 of ~600
 * responses after SIGTERM carried the header in plain NestJS, exit 9–23 s later), and closing idle
 * sockets races with a request the client has just written (ECONNRESET; docs/lifecycle.md).
 * Applied on the raw server's 'request' event (prepended, so before Express can answer) and, at
 * the moment draining begins, to every response whose headers are not sent yet. Without a drain
 * delay that moment comes only after the listener has closed: a client told to close then
 * reconnects to a refused port, never into an accept queue about to be reset.
 */
@Injectable()
export class ConnectionClosePolicy {
  constructor(private readonly state: LifecycleState) {}

  onRequest(res: ServerResponse): void {
    if (this.state.isShuttingDown) {
      ConnectionClosePolicy.closeAfter(res);
    }
  }

  /** For requests already in flight when draining starts. */
  applyTo(responses: Iterable<ServerResponse>): void {
    for (const res of responses) {
      ConnectionClosePolicy.closeAfter(res);
    }
  }

  private static closeAfter(res: ServerResponse): void {
    // Once headers are out, `Connection: keep-alive` has been promised; HttpSockets then closes
    // the socket after a short idle grace instead.
    if (!res.headersSent) {
      res.setHeader('Connection', 'close');
    }
  }
}

import { Injectable, Logger } from '@nestjs/common';
import {
  LongLivedConnections,
  type LongLivedConnectionSource,
} from '../../lifecycle/long-lived-connections';
import { drainInBatches } from '../drain/drain-in-batches';
import { RECONNECT_HINT_MAX_MS, RECONNECT_HINT_MIN_MS } from '../drain/drain-timing';
import { jittered } from '../drain/jitter';
import type { GatewayServer, GatewaySocket } from './gateway-socket';

/**
 * The socket.io clients of this instance, as one kind in the long-lived connection registry:
 * counted for health and metrics, and drained on shutdown. Each client gets `server:draining`
 * with a jittered reconnect hint, then is disconnected in jittered batches. The disconnect is a
 * server disconnect (reason `io server disconnect`), which socket.io-client does not retry by
 * itself: the client reconnects after `reconnectInMs`, to whichever replica it is routed to.
 * Once draining, new handshakes are refused.
 */
@Injectable()
export class SocketConnections implements LongLivedConnectionSource {
  readonly kind = 'socket.io';
  private readonly logger = new Logger(SocketConnections.name);
  private server: GatewayServer | undefined;
  private draining = false;

  constructor(registry: LongLivedConnections) {
    registry.register(this);
  }

  attach(server: GatewayServer): void {
    this.server = server;
    server.use((_socket, next) => {
      next(
        this.draining ? new Error('server is draining; reconnect to another instance') : undefined,
      );
    });
  }

  count(): number {
    return this.server?.sockets.sockets.size ?? 0;
  }

  async drain(deadlineMs: number): Promise<number> {
    this.draining = true;
    const server = this.server;
    if (!server) {
      return 0;
    }
    const { clients, cut } = await drainInBatches(
      {
        clients: [...server.sockets.sockets.values()],
        notify: (socket) =>
          socket.emit('server:draining', {
            reconnectInMs: jittered(RECONNECT_HINT_MIN_MS, RECONNECT_HINT_MAX_MS),
          }),
        close: (socket) => socket.disconnect(true),
        closed: disconnected,
        cutAll: () => {
          const left = this.count();
          server.disconnectSockets(true);
          return left;
        },
      },
      deadlineMs,
    );
    if (cut > 0) {
      this.logger.warn(`${cut} socket.io clients still open at the drain deadline closed`);
    }
    return clients;
  }
}

function disconnected(socket: GatewaySocket): Promise<void> {
  return socket.disconnected
    ? Promise.resolve()
    : new Promise((resolve) => socket.once('disconnect', () => resolve()));
}

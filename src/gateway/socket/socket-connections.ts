import { Injectable, Logger } from '@nestjs/common';
import {
  LongLivedConnections,
  type LongLivedConnectionSource,
} from '../../lifecycle/long-lived-connections';
import {
  closeWindowMs,
  CLOSE_BATCHES,
  RECONNECT_HINT_MAX_MS,
  RECONNECT_HINT_MIN_MS,
} from '../drain/drain-timing';
import { jittered, jitteredBatches } from '../drain/jitter';
import { waitUntil } from '../drain/wait-until';
import type { GatewayServer } from './gateway-socket';

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
    const sockets = [...server.sockets.sockets.values()];
    for (const socket of sockets) {
      socket.emit('server:draining', {
        reconnectInMs: jittered(RECONNECT_HINT_MIN_MS, RECONNECT_HINT_MAX_MS),
      });
    }
    const timers = jitteredBatches(sockets, CLOSE_BATCHES, closeWindowMs(deadlineMs)).map((batch) =>
      setTimeout(() => batch.items.forEach((socket) => socket.disconnect(true)), batch.atMs),
    );
    const allGone = await waitUntil(() => this.count() === 0, deadlineMs);
    timers.forEach((timer) => clearTimeout(timer));
    if (!allGone) {
      this.logger.warn(
        `${this.count()} socket.io clients still open at the drain deadline; closing`,
      );
      server.disconnectSockets(true);
    }
    return sockets.length;
  }
}

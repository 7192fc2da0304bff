import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../../config/app-config';
import { ConnectionCaps } from '../caps/connection-caps';
import { LiveCapacityException } from '../caps/live-capacity.exception';
import {
  LongLivedConnections,
  type LongLivedConnectionSource,
} from '../../lifecycle/long-lived-connections';
import { drainInBatches } from '../drain/drain-in-batches';
import { RECONNECT_HINT_MAX_MS, RECONNECT_HINT_MIN_MS } from '../drain/drain-timing';
import { jittered } from '../drain/jitter';
import type { GatewayServer, GatewaySocket } from './gateway-socket';
import { toWsErrorEnvelope } from './ws-error-envelope';

type Middleware = Parameters<GatewayServer['use']>[0];

/**
 * The socket.io clients of this instance, as one kind in the long-lived connection registry:
 * counted for health and metrics, and drained on shutdown. Each client gets `server:draining`
 * with a jittered reconnect hint, then is disconnected in jittered batches. The disconnect is a
 * server disconnect (reason `io server disconnect`), which socket.io-client does not retry by
 * itself: the client reconnects after `reconnectInMs`, to whichever replica it is routed to.
 * Once draining, new handshakes are refused, and so are handshakes past the caps
 * (SOCKET_IO_MAX_CONNECTIONS, SOCKET_IO_MAX_PER_PRINCIPAL): connect_error with the
 * message and, as its `data`, the error envelope plus `retryAfterSeconds`.
 */
@Injectable()
export class SocketConnections implements LongLivedConnectionSource {
  readonly kind = 'socket.io';
  private readonly logger = new Logger(SocketConnections.name);
  private server: GatewayServer | undefined;
  private draining = false;
  private readonly caps: ConnectionCaps;

  constructor(registry: LongLivedConnections, config: ConfigService<AppConfig, true>) {
    registry.register(this);
    const { caps } = config.getOrThrow('gateway', { infer: true });
    this.caps = new ConnectionCaps('socket.io', {
      total: caps.sockets,
      perPrincipal: caps.socketsPerPrincipal,
    });
  }

  attach(server: GatewayServer): void {
    this.server = server;
    server.use((_socket, next) => {
      next(
        this.draining ? new Error('server is draining; reconnect to another instance') : undefined,
      );
    });
  }

  /**
   * The handshake middleware that enforces the caps; registered after the principal is resolved,
   * and last, so that a slot is only taken by a socket nothing else refuses. The slot is released
   * on disconnect, or at once if the socket never connected: socket.io connects an admitted socket
   * on the next tick after the middlewares (socket.io namespace.js `_add`), so by setImmediate it
   * is either connected or dropped (its client left during the handshake).
   */
  admission(): Middleware {
    return (socket, next) => {
      let slot;
      try {
        slot = this.caps.take(socket.data.callerKey);
      } catch (error) {
        if (!(error instanceof LiveCapacityException)) {
          throw error;
        }
        next(refusal(error));
        return;
      }
      const release = (): void => slot.release();
      socket.once('disconnect', release);
      setImmediate(() => {
        if (!socket.connected) {
          release();
        }
      });
      next();
    };
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

/** A connect_error a client can act on: the message, and the envelope with Retry-After's value. */
function refusal(error: LiveCapacityException): Error & { data: unknown } {
  return Object.assign(new Error(error.message), {
    data: { ...toWsErrorEnvelope(error), retryAfterSeconds: error.retryAfterSeconds },
  });
}

function disconnected(socket: GatewaySocket): Promise<void> {
  return socket.disconnected
    ? Promise.resolve()
    : new Promise((resolve) => socket.once('disconnect', () => resolve()));
}

import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../gateway.events';
import type { Principal } from '../../sessions';

/** Per-socket state, set by the handshake middleware before any event is handled. */
export interface GatewaySocketData {
  principal: Principal;
  /** Whom the connection caps count this socket against (common/rate-limit/caller-key.ts). */
  callerKey: string;
}

// No server-to-server events: replicas talk through Postgres NOTIFY, not a socket.io adapter.
export type GatewayServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  GatewaySocketData
>;
export type GatewaySocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  GatewaySocketData
>;

export function sessionRoom(sessionId: string): string {
  return `session:${sessionId}`;
}

import { Injectable } from '@nestjs/common';
import { LiveEvents } from '../fanout/live-events';
import type { SessionLiveEvent } from '../gateway.events';
import { type GatewayServer, type GatewaySocket, sessionRoom } from './gateway-socket';

/** Live events held for a socket while its join reads what it missed. */
interface PendingJoin {
  buffered: SessionLiveEvent[];
}

/**
 * This instance's socket.io rooms, one per watched session, fed from LiveEvents. A joining socket
 * is put in the room first and its live events are held back while the join reads the session
 * and the missed messages; after the ack they are flushed, minus the messages up to the seq the
 * client has seen (its afterSeq or the ack's last message). A message's live event can also come
 * after the ack (events are resolved one at a time, behind slower reads): the socket is spared it
 * too, until a live message passes that seq. So nothing committed during the join is lost, and
 * nothing arrives twice.
 */
@Injectable()
export class SessionRooms {
  private server: GatewayServer | undefined;
  /** Sockets of this instance per session, and the LiveEvents subscription feeding the room. */
  private readonly rooms = new Map<string, { members: Set<string>; unwatch: () => void }>();
  private readonly pending = new Map<string, Map<string, PendingJoin>>();
  /** Per session, per socket: the seq up to which the socket has every message. */
  private readonly seenUpTo = new Map<string, Map<string, number>>();

  constructor(private readonly live: LiveEvents) {}

  attach(server: GatewayServer): void {
    this.server = server;
  }

  /** Puts the socket in the room with its live events held back until completeJoin/abortJoin. */
  async beginJoin(socket: GatewaySocket, sessionId: string): Promise<void> {
    let room = this.rooms.get(sessionId);
    if (!room) {
      room = {
        members: new Set(),
        unwatch: this.live.watch(sessionId, (event) => this.deliver(event)),
      };
      this.rooms.set(sessionId, room);
    }
    room.members.add(socket.id);
    let pendingForSession = this.pending.get(sessionId);
    if (!pendingForSession) {
      pendingForSession = new Map();
      this.pending.set(sessionId, pendingForSession);
    }
    pendingForSession.set(socket.id, { buffered: [] });
    await socket.join(sessionRoom(sessionId));
  }

  /**
   * Sends what was held back, except the messages up to `seenUpTo` (undefined: the client asked
   * for no messages, so every live one is new to it).
   */
  completeJoin(socket: GatewaySocket, sessionId: string, seenUpTo: number | undefined): void {
    const pendingJoin = this.takePending(socket.id, sessionId);
    for (const event of pendingJoin?.buffered ?? []) {
      if (
        event.type === 'message.created' &&
        seenUpTo !== undefined &&
        event.data.seq <= seenUpTo
      ) {
        continue;
      }
      emitTo(socket, event);
    }
    if (seenUpTo !== undefined) {
      let forSession = this.seenUpTo.get(sessionId);
      if (!forSession) {
        forSession = new Map();
        this.seenUpTo.set(sessionId, forSession);
      }
      forSession.set(socket.id, seenUpTo);
    }
  }

  abortJoin(socket: GatewaySocket, sessionId: string): Promise<void> {
    return this.leave(socket, sessionId);
  }

  async leave(socket: GatewaySocket, sessionId: string): Promise<void> {
    this.takePending(socket.id, sessionId);
    this.forget(socket.id, sessionId);
    await socket.leave(sessionRoom(sessionId));
  }

  /** socket.io leaves rooms on disconnect by itself; this drops our bookkeeping. */
  disconnected(socketId: string): void {
    for (const sessionId of [...this.rooms.keys()]) {
      this.takePending(socketId, sessionId);
      this.forget(socketId, sessionId);
    }
  }

  private deliver(event: SessionLiveEvent): void {
    const server = this.server;
    if (!server) {
      return;
    }
    const pendingForSession = this.pending.get(event.sessionId);
    pendingForSession?.forEach((pendingJoin) => pendingJoin.buffered.push(event));
    // One broadcast (encoded once) to every member not in the middle of its join, nor past it.
    const target = server
      .to(sessionRoom(event.sessionId))
      .except([...(pendingForSession?.keys() ?? []), ...this.alreadySeenBy(event)]);
    emitTo(target, event);
    if (event.type === 'session.deleted') {
      // Nothing more will come. Joins still pending keep their buffer: completeJoin passes the
      // session.deleted on, abortJoin drops it.
      server.in(sessionRoom(event.sessionId)).socketsLeave(sessionRoom(event.sessionId));
      this.rooms.get(event.sessionId)?.unwatch();
      this.rooms.delete(event.sessionId);
      this.seenUpTo.delete(event.sessionId);
    }
  }

  /**
   * The sockets that already have this message. Within a session live messages come in seq order
   * (commit order), so once one passes a socket's seq, no older one can follow: that mark goes.
   */
  private alreadySeenBy(event: SessionLiveEvent): string[] {
    const forSession = this.seenUpTo.get(event.sessionId);
    if (event.type !== 'message.created' || !forSession) {
      return [];
    }
    const seen: string[] = [];
    for (const [socketId, upTo] of forSession) {
      if (event.data.seq <= upTo) {
        seen.push(socketId);
      } else {
        forSession.delete(socketId);
      }
    }
    if (forSession.size === 0) {
      this.seenUpTo.delete(event.sessionId);
    }
    return seen;
  }

  private takePending(socketId: string, sessionId: string): PendingJoin | undefined {
    const pendingForSession = this.pending.get(sessionId);
    const pendingJoin = pendingForSession?.get(socketId);
    pendingForSession?.delete(socketId);
    if (pendingForSession?.size === 0) {
      this.pending.delete(sessionId);
    }
    return pendingJoin;
  }

  private forget(socketId: string, sessionId: string): void {
    const forSession = this.seenUpTo.get(sessionId);
    forSession?.delete(socketId);
    if (forSession?.size === 0) {
      this.seenUpTo.delete(sessionId);
    }
    const room = this.rooms.get(sessionId);
    if (!room) {
      return;
    }
    room.members.delete(socketId);
    if (room.members.size === 0) {
      room.unwatch();
      this.rooms.delete(sessionId);
    }
  }
}

interface Emitter {
  emit: GatewaySocket['emit'];
}

/** The typed emit for each kind of live event (a union cannot pick an overload by itself). */
function emitTo(target: Emitter | ReturnType<GatewayServer['to']>, event: SessionLiveEvent): void {
  switch (event.type) {
    case 'session.updated':
      target.emit(event.type, event.data);
      return;
    case 'session.phase_changed':
      target.emit(event.type, event.data);
      return;
    case 'session.deleted':
      target.emit(event.type, event.data);
      return;
    case 'message.created':
      target.emit(event.type, event.data);
      return;
    case 'resync':
      target.emit(event.type, event.data);
      return;
    case 'message.delta':
      target.emit(event.type, event.data);
      return;
    case 'run.started':
      target.emit(event.type, event.data);
      return;
    case 'run.interrupted':
      target.emit(event.type, event.data);
      return;
    case 'run.completed':
      target.emit(event.type, event.data);
      return;
    case 'run.failed':
      target.emit(event.type, event.data);
      return;
    case 'run.cancelled':
      target.emit(event.type, event.data);
      return;
  }
}

import { RunsService } from '../../agent';
import { Logger, UseFilters, UseGuards } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import type { AppConfig } from '../../config/app-config';
import {
  Ack,
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { plainToInstance } from 'class-transformer';
import { callerKey, handshakeAddress } from '../../common/rate-limit/caller-key';
import type { TrustProxy } from '../../common/rate-limit/client-address';
import { WriteThrottlerGuard } from '../../common/rate-limit/write-throttler.guard';
import { resumePage } from '../fanout/resume-page';
import type { CreateMessageAck, JoinSessionAck } from '../gateway.events';
import {
  CreateMessageDto,
  MessagesService,
  PrincipalResolver,
  SessionsService,
} from '../../sessions';
import { CreateMessagePayload } from './dto/create-message.payload';
import { handshakeToken, refusedHandshake } from './handshake-principal';
import { JoinSessionPayload } from './dto/join-session.payload';
import { LeaveSessionPayload } from './dto/leave-session.payload';
// Type-only imports on purpose: parameter types emit `Object` as design metadata, so the global
// ValidationPipe leaves the socket and the raw payload alone (validatePayload checks the payload).
import type { GatewayServer, GatewaySocket } from './gateway-socket';
import { SessionRooms } from './session-rooms';
import { SocketConnections } from './socket-connections';
import { validatePayload } from './validate-payload';
import { WsErrorEnvelopeFilter } from './ws-error-envelope.filter';

type AckCallback<T> = (response: T) => void;

function reply<T>(ack: unknown, response: T): void {
  if (typeof ack === 'function') {
    (ack as AckCallback<T>)(response);
  }
}

/**
 * The socket.io side of live sessions (path /socket.io): join a session's room (with what was
 * missed since a seq), leave it, and post messages with the same validation and owner scoping as
 * REST. Every failure is acked in the REST error envelope (WsErrorEnvelopeFilter).
 */
@UseFilters(WsErrorEnvelopeFilter)
// Writes and joins count against the REST write limit (src/common/rate-limit/); Nest's global
// guards never run for gateways, so it is bound here.
@UseGuards(WriteThrottlerGuard)
@WebSocketGateway({ path: '/socket.io', serveClient: false })
export class SessionsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(SessionsGateway.name);
  private readonly resumeMax: number;
  private readonly localOwnerId: string;

  constructor(
    config: ConfigService<AppConfig, true>,
    private readonly adapterHost: HttpAdapterHost,
    private readonly principals: PrincipalResolver,
    private readonly sessions: SessionsService,
    private readonly messages: MessagesService,
    private readonly rooms: SessionRooms,
    private readonly connections: SocketConnections,
    private readonly runs: RunsService,
  ) {
    this.resumeMax = config.getOrThrow('gateway', { infer: true }).resumeMaxMessages;
    this.localOwnerId = config.getOrThrow('principal', { infer: true }).localOwnerId;
  }

  afterInit(server: GatewayServer): void {
    this.connections.attach(server);
    this.rooms.attach(server);
    // The principal is resolved once, from the handshake (a bearer Authorization header, or
    // `auth: { token }`), before the connection is accepted; a failure refuses it (the client
    // gets connect_error with the error envelope) rather than letting an anonymous socket in.
    server.use((socket, next) => {
      this.admit(socket).then(
        () => next(),
        (error: unknown) => next(refusedHandshake(error)),
      );
    });
    server.use(this.connections.admission());
  }

  private async admit(socket: GatewaySocket): Promise<void> {
    socket.data.principal = await this.principals.resolve(
      socket.handshake.headers,
      handshakeToken(socket.handshake.auth),
    );
    const trust = this.adapterHost.httpAdapter
      .getInstance<{ get(key: string): unknown }>()
      .get('trust proxy fn') as TrustProxy;
    socket.data.callerKey = callerKey(socket.data.principal.ownerId, this.localOwnerId, () =>
      handshakeAddress(socket, trust),
    );
  }

  handleConnection(socket: GatewaySocket): void {
    this.logger.debug(`socket ${socket.id} connected`);
  }

  handleDisconnect(socket: GatewaySocket): void {
    this.rooms.disconnected(socket.id);
  }

  /**
   * Joins the room before reading, with live events held back, so that an event committed while
   * the session and the missed messages are read is neither lost nor sent twice. A resume carries
   * at most RESUME_MAX_MESSAGES; when more follow, the socket is taken out of the room again and
   * the client joins again from `nextAfter`: it goes live only once it has caught up, so it never
   * holds live messages with a gap below them.
   */
  @SubscribeMessage('session:join')
  async join(
    @ConnectedSocket() socket: GatewaySocket,
    @MessageBody() payload: unknown,
    @Ack() ack: unknown,
  ): Promise<void> {
    const { sessionId, afterSeq } = await validatePayload(JoinSessionPayload, payload);
    const principal = socket.data.principal;
    await this.rooms.beginJoin(socket, sessionId);
    let response: JoinSessionAck;
    let seenUpTo: number | undefined;
    try {
      const session = await this.sessions.findOne(principal, sessionId);
      const page =
        afterSeq === undefined
          ? undefined
          : await resumePage(this.messages, principal, sessionId, afterSeq, this.resumeMax);
      if (page?.kind === 'page' && page.hasMore) {
        await this.rooms.abortJoin(socket, sessionId);
        reply(ack, { session, missed: page.missed, hasMore: true, nextAfter: page.nextAfter });
        return;
      }
      // Read after the room was joined: a delta committed meanwhile is held, and a client drops
      // what it already has by offset.
      const activeRun = await this.runs.active(principal, sessionId);
      response = {
        session,
        missed: page?.kind === 'page' ? page.missed : [],
        hasMore: false,
        nextAfter: null,
        ...(activeRun === null ? {} : { activeRun }),
        ...(page?.kind === 'unknown_seq'
          ? { reset: { reason: page.kind, lastSeq: page.lastSeq } }
          : {}),
      };
      seenUpTo =
        page?.kind === 'unknown_seq' ? page.lastSeq : (response.missed.at(-1)?.seq ?? afterSeq);
    } catch (error) {
      await this.rooms.abortJoin(socket, sessionId);
      throw error;
    }
    reply(ack, response);
    this.rooms.completeJoin(socket, sessionId, seenUpTo);
    if (socket.disconnected) {
      // It left while the join was reading: handleDisconnect ran before the room was ours to drop.
      this.rooms.disconnected(socket.id);
    }
  }

  /**
   * Leaving is always done (a room of one's own socket is harmless to leave), but acked as a 404
   * for a session that is not this owner's, as on every other route and event.
   */
  @SubscribeMessage('session:leave')
  async leave(
    @ConnectedSocket() socket: GatewaySocket,
    @MessageBody() payload: unknown,
  ): Promise<{ left: true }> {
    const { sessionId } = await validatePayload(LeaveSessionPayload, payload);
    await this.rooms.leave(socket, sessionId);
    await this.sessions.findOne(socket.data.principal, sessionId);
    return { left: true };
  }

  /**
   * Acked only once the insert committed (MessagesService.createOnce resolves after the commit).
   * With `idempotencyKey`, the same rules as the REST route's Idempotency-Key header.
   */
  @SubscribeMessage('message:create')
  async createMessage(
    @ConnectedSocket() socket: GatewaySocket,
    @MessageBody() payload: unknown,
  ): Promise<CreateMessageAck> {
    const { sessionId, content, role, idempotencyKey } = await validatePayload(
      CreateMessagePayload,
      payload,
    );
    const { value: message, replayed } = await this.messages.createOnce(
      socket.data.principal,
      sessionId,
      plainToInstance(CreateMessageDto, { content, role }),
      idempotencyKey,
    );
    return replayed ? { message, replayed } : { message };
  }
}

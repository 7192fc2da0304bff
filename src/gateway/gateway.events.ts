import type { ErrorEnvelope } from '../common/errors/error-envelope';
import type { ActiveRunDto, AgentEvent } from '../agent';
import type { MessageDto, SessionDto } from '../sessions';

/** `session.updated`: the session as it is now (read once per event, after the commit). */
export interface SessionUpdatedEvent {
  sessionId: string;
  version: number;
  session: SessionDto;
}

/** `session.phase_changed`: like session.updated, plus where it came from. */
export interface SessionPhaseChangedEvent extends SessionUpdatedEvent {
  phase: string;
  previousPhase: string;
}

export interface SessionDeletedEvent {
  sessionId: string;
}

/**
 * Live events of this session may have been lost (the LISTEN connection was lost and restored, or
 * an event could not be read): reload the session and resume messages from the last seq seen.
 */
export interface ResyncEvent {
  sessionId: string;
  reason: 'listener_reconnected' | 'event_unavailable';
}

export interface ServerDrainingEvent {
  /** Jittered: reconnect after this long, to whichever replica the load balancer picks. */
  reconnectInMs: number;
}

/**
 * The assistant's events as clients get them (its NOTIFY payload less the owner). `message.delta`
 * continues the reply of `runId` at `offset`; a new `run.started` attempt continues the same reply
 * from its `resumeOffset` (the text stored by earlier attempts), so a client keeps its text.
 */
export type AgentLiveEventType = Exclude<AgentEvent['type'], 'run.cancel_requested' | 'run.queued'>;
export type AgentLiveEventData<T extends AgentLiveEventType> = Omit<
  Extract<AgentEvent, { type: T }>,
  'type' | 'ownerId'
>;
type AgentLiveEvent = {
  [T in AgentLiveEventType]: { type: T; sessionId: string; data: AgentLiveEventData<T> };
}[AgentLiveEventType];

/** One live event for one session, as fanned out to sockets and SSE streams. */
export type SessionLiveEvent =
  | { type: 'session.updated'; sessionId: string; data: SessionUpdatedEvent }
  | { type: 'session.phase_changed'; sessionId: string; data: SessionPhaseChangedEvent }
  | { type: 'session.deleted'; sessionId: string; data: SessionDeletedEvent }
  | { type: 'message.created'; sessionId: string; data: MessageDto }
  | { type: 'resync'; sessionId: string; data: ResyncEvent }
  | AgentLiveEvent;

export type SessionLiveEventType = SessionLiveEvent['type'];

/** What the server emits to a socket.io client. */
export interface ServerToClientEvents {
  'session.updated': (event: SessionUpdatedEvent) => void;
  'session.phase_changed': (event: SessionPhaseChangedEvent) => void;
  'session.deleted': (event: SessionDeletedEvent) => void;
  'message.created': (message: MessageDto) => void;
  resync: (event: ResyncEvent) => void;
  'message.delta': (event: AgentLiveEventData<'message.delta'>) => void;
  'run.started': (event: AgentLiveEventData<'run.started'>) => void;
  'run.interrupted': (event: AgentLiveEventData<'run.interrupted'>) => void;
  'run.completed': (event: AgentLiveEventData<'run.completed'>) => void;
  'run.failed': (event: AgentLiveEventData<'run.failed'>) => void;
  'run.cancelled': (event: AgentLiveEventData<'run.cancelled'>) => void;
  'server:draining': (event: ServerDrainingEvent) => void;
  /** Only for a failing event sent without an ack callback: nowhere else to say it. */
  exception: (error: ErrorEnvelope) => void;
}

/**
 * The resume cursor was beyond the session's newest message (a stale id from before a restore, or
 * another environment's): nothing was resumed from it. Drop what you have and reload; `lastSeq`
 * is the session's real newest seq, from which live messages continue.
 */
export interface ResumeReset {
  reason: 'unknown_seq';
  lastSeq: number;
}

export interface JoinSessionAck {
  session: SessionDto;
  /** Messages with seq > afterSeq, ascending, at most RESUME_MAX_MESSAGES; empty without afterSeq. */
  missed: MessageDto[];
  /**
   * More missed messages follow: the socket was not put in the room (nothing live comes yet).
   * Join again with afterSeq = nextAfter, or page GET /api/sessions/:id/messages from it first.
   */
  hasMore: boolean;
  /** The seq to continue after when hasMore (the last of `missed`), else null. */
  nextAfter: number | null;
  /** The assistant's reply streaming now, as far as it has got (absent when none is, or hasMore). */
  activeRun?: ActiveRunDto;
  /** Present when afterSeq was beyond the newest message (see ResumeReset). */
  reset?: ResumeReset;
}

/**
 * SSE `snapshot`: first on every response. Resuming (Last-Event-ID or `after`), `messages` is
 * empty and the missed ones follow as `message.created` frames, at most RESUME_MAX_MESSAGES;
 * otherwise it holds the newest messages. `lastSeq` is the seq the client has every message up to
 * once the frames of this response are through.
 */
export interface SseSnapshot {
  session: SessionDto;
  messages: MessageDto[];
  lastSeq: number;
  /** More missed messages follow on the next response: this one ends after its page (`retry: 0`). */
  hasMore: boolean;
  /** The seq the next page starts after when hasMore (also the last frame's id), else null. */
  nextAfter: number | null;
  /** The reply streaming now, as far as it has got (absent when none is, or hasMore). */
  activeRun?: ActiveRunDto;
  /** Present when the resume seq was beyond the newest message (see ResumeReset). */
  reset?: ResumeReset;
}

export interface CreateMessageAck {
  message: MessageDto;
  /** Present when this is the stored answer of an earlier `message:create` with the same key. */
  replayed?: true;
}

export type GatewayAck<T> = T | ErrorEnvelope;

/** What a socket.io client sends. Payloads are validated by the gateway, never trusted. */
export interface ClientToServerEvents {
  'session:join': (
    payload: { sessionId: string; afterSeq?: number },
    ack: (response: GatewayAck<JoinSessionAck>) => void,
  ) => void;
  'session:leave': (
    payload: { sessionId: string },
    ack: (response: GatewayAck<{ left: true }>) => void,
  ) => void;
  'message:create': (
    payload: { sessionId: string; content: string; role?: string; idempotencyKey?: string },
    ack: (response: GatewayAck<CreateMessageAck>) => void,
  ) => void;
}

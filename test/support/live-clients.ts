import { setTimeout as sleep } from 'node:timers/promises';
import { EventSource } from 'eventsource';
import { io, type Socket } from 'socket.io-client';

/**
 * The one way the tests wait for a condition: polls `check` (which may read asynchronously, e.g.
 * the database or a route) until it returns something other than undefined or false (a found item,
 * a reason, true), and returns that; fails naming `what` after `timeoutMs`.
 */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 5000,
): Promise<Exclude<T, undefined | false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) {
      return value as Exclude<T, undefined | false>;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(20);
  }
}

export interface ReceivedEvent {
  event: string;
  data: unknown;
}

/**
 * A real socket.io-client socket (websocket transport, no automatic reconnection so that tests
 * decide when to reconnect) that records every event the server emits.
 */
export class LiveSocket {
  readonly received: ReceivedEvent[] = [];
  disconnectReason: string | undefined;

  private constructor(readonly socket: Socket) {
    socket.onAny((event: string, data: unknown) => this.received.push({ event, data }));
    socket.on('disconnect', (reason) => {
      this.disconnectReason = reason;
    });
  }

  /** `auth`: the handshake's auth payload, e.g. `{ token }` (the bearer JWT with AUTH_ENABLED). */
  static async connect(
    baseUrl: string,
    headers: Record<string, string> = {},
    auth?: Record<string, unknown>,
  ): Promise<LiveSocket> {
    const socket = io(baseUrl, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: headers,
      timeout: 5000,
      ...(auth === undefined ? {} : { auth }),
    });
    const live = new LiveSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return live;
  }

  /** Emits with an ack and resolves with the ack's payload. */
  request<T>(event: string, payload: unknown, timeoutMs = 5000): Promise<T> {
    return this.socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
  }

  events<T = unknown>(name: string): T[] {
    return this.received.filter((entry) => entry.event === name).map((entry) => entry.data as T);
  }

  /** Seqs of the message.created events received, in order of arrival. */
  seqs(): number[] {
    return this.events<{ seq: number }>('message.created').map((message) => message.seq);
  }

  waitFor<T = unknown>(name: string, predicate: (data: T) => boolean = () => true): Promise<T> {
    return eventually(() => this.events<T>(name).find(predicate), `socket.io event ${name}`);
  }

  close(): void {
    this.socket.disconnect();
  }
}

/**
 * A real EventSource (the `eventsource` package, WHATWG semantics: it reconnects by itself and
 * sends Last-Event-ID) recording every named event with its lastEventId.
 */
export class LiveEventSource {
  static readonly EVENTS = [
    'snapshot',
    'message.created',
    'session.updated',
    'session.phase_changed',
    'session.deleted',
    'resync',
    'shutdown',
    'message.delta',
    'run.started',
    'run.interrupted',
    'run.completed',
    'run.failed',
    'run.cancelled',
  ];
  readonly received: Array<ReceivedEvent & { id: string }> = [];
  readonly source: EventSource;
  errors = 0;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.source = new EventSource(url, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...headers, ...init.headers } }),
    });
    for (const name of LiveEventSource.EVENTS) {
      this.source.addEventListener(name, (event) => {
        this.received.push({
          event: name,
          id: event.lastEventId,
          data: JSON.parse(event.data) as unknown,
        });
      });
    }
    this.source.addEventListener('error', () => {
      this.errors += 1;
    });
  }

  events<T = unknown>(name: string): T[] {
    return this.received.filter((entry) => entry.event === name).map((entry) => entry.data as T);
  }

  seqs(): number[] {
    return this.events<{ seq: number }>('message.created').map((message) => message.seq);
  }

  waitFor<T = unknown>(name: string, predicate: (data: T) => boolean = () => true): Promise<T> {
    return eventually(() => this.events<T>(name).find(predicate), `SSE event ${name}`);
  }

  close(): void {
    this.source.close();
  }
}

interface Seq {
  seq: number;
}

/** A join ack as far as resuming goes (JoinSessionAck in src/gateway/gateway.events.ts). */
export interface ResumeAck<M extends Seq = Seq> {
  missed: M[];
  hasMore: boolean;
  nextAfter: number | null;
}

/**
 * Resumes `socket` in `sessionId` after `afterSeq` the way docs/live-events.md tells a client to:
 * while an ack says hasMore, either join again from its nextAfter (`via: 'join'`), or page
 * GET /api/sessions/:id/messages from there (`via: 'rest'`) and then join from the last seq read.
 * Returns every message received on the way, in order, and the acks; the socket is live after it.
 */
export async function resumeSocket<M extends Seq = Seq>(
  socket: LiveSocket,
  sessionId: string,
  afterSeq: number,
  via: { kind: 'join' } | { kind: 'rest'; baseUrl: string; headers?: Record<string, string> },
): Promise<{ messages: M[]; acks: Array<ResumeAck<M>> }> {
  const messages: M[] = [];
  const acks: Array<ResumeAck<M>> = [];
  let cursor = afterSeq;
  for (;;) {
    // Pages of long messages to many clients at once can take a while on a loaded machine.
    const ack = await socket.request<ResumeAck<M>>(
      'session:join',
      { sessionId, afterSeq: cursor },
      30_000,
    );
    acks.push(ack);
    messages.push(...ack.missed);
    if (!ack.hasMore || ack.nextAfter === null) {
      return { messages, acks };
    }
    cursor = ack.nextAfter;
    if (via.kind === 'rest') {
      for (;;) {
        const page = await getPage<M>(via.baseUrl, sessionId, cursor, via.headers);
        messages.push(...page.items);
        cursor = page.items.at(-1)?.seq ?? cursor;
        if (page.nextAfter === null) {
          break;
        }
      }
    }
  }
}

async function getPage<M>(
  baseUrl: string,
  sessionId: string,
  after: number,
  headers: Record<string, string> = {},
): Promise<{ items: M[]; nextAfter: number | null }> {
  const response = await fetch(
    `${baseUrl}/api/sessions/${sessionId}/messages?after=${after}&limit=100`,
    { headers },
  );
  if (response.status !== 200) {
    throw new Error(`GET messages answered ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as { items: M[]; nextAfter: number | null };
}

import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Response } from 'express';
import type { AppConfig } from '../../config/app-config';
import { callerKey } from '../../common/rate-limit/caller-key';
import { RunsService } from '../../agent';
import { LiveEvents } from '../fanout/live-events';
import { HeldEvents } from '../fanout/held-events';
import { resumePage } from '../fanout/resume-page';
import { type CapSlot } from '../caps/connection-caps';
import { LiveCapacityException } from '../caps/live-capacity.exception';
import type { SessionLiveEvent, SseSnapshot } from '../gateway.events';
import { MessagesService, type MessageDto, type Principal, SessionsService } from '../../sessions';
import type { SseFrame } from './sse-frame';
import { SseStream, type SseStreamOptions } from './sse-stream';
import { SseConnections } from './sse-connections';

/** Messages the snapshot carries when the client does not resume from a seq. */
export const SNAPSHOT_MESSAGES = 50;

function liveFrame(event: SessionLiveEvent): SseFrame {
  return event.type === 'message.created'
    ? { event: event.type, id: String(event.data.seq), data: event.data }
    : { event: event.type, data: event.data };
}

/**
 * The reconnection delay every snapshot restores: what EventSource implementations use by default
 * (the WHATWG spec leaves it to them; Chrome and the eventsource package use 3 s). A catch-up page
 * sets it to 0 so that the next page follows at once; the next snapshot puts it back.
 */
export const SNAPSHOT_RETRY_MS = 3000;

/**
 * Serves GET /api/sessions/:id/events. Order of work, so that nothing is lost or doubled:
 * (1) take a place under the caps, (2) watch the session's live events into a buffer, (3) read the
 * session and the messages (404 here, before any byte of the stream), (4) send `snapshot` and
 * replay the messages after the client's seq, each with `id: <seq>`, (5) flush the buffer minus
 * what the replay already sent, (6) go live. Without a seq, the snapshot carries the latest
 * messages and its `id:` is the last seq, so even a client that never receives a message can
 * resume without a gap.
 *
 * A replay carries at most RESUME_MAX_MESSAGES. When more follow, the snapshot says `hasMore`, the
 * page is sent, and the response ends with `retry: 0`: the EventSource reconnects at once with
 * Last-Event-ID = the page's last seq and gets the next page, and goes live only on the response
 * that catches it up. A plain EventSource thus pages by itself, one bounded response at a time.
 * A seq beyond the session's newest is not resumed from (see ResumeReset): the client gets the
 * first-connect snapshot with `reset`.
 */
@Injectable()
export class SessionEventsService {
  private readonly streamOptions: SseStreamOptions;
  private readonly resumeMax: number;
  private readonly localOwnerId: string;

  constructor(
    config: ConfigService<AppConfig, true>,
    private readonly live: LiveEvents,
    private readonly sessions: SessionsService,
    private readonly messages: MessagesService,
    private readonly connections: SseConnections,
    private readonly runs: RunsService,
  ) {
    const gateway = config.getOrThrow('gateway', { infer: true });
    this.streamOptions = {
      heartbeatMs: gateway.sseHeartbeatMs,
      maxBufferedBytes: gateway.sseMaxBufferedBytes,
    };
    this.resumeMax = gateway.resumeMaxMessages;
    this.localOwnerId = config.getOrThrow('principal', { infer: true }).localOwnerId;
  }

  async open(
    principal: Principal,
    sessionId: string,
    afterSeq: number | undefined,
    res: Response,
  ): Promise<void> {
    if (this.connections.draining) {
      throw new ServiceUnavailableException({
        message: 'Server is shutting down; reconnect to another instance',
        code: 'SERVER_DRAINING',
      });
    }
    const slot = this.reserve(principal, res);
    // Watch before reading, so that nothing committed during the reads is missed.
    const held = new HeldEvents<SessionLiveEvent>();
    const unwatch = this.live.watch(sessionId, (event) => held.push(event));
    let snapshot: Snapshot;
    try {
      snapshot = await this.read(principal, sessionId, afterSeq);
    } catch (error) {
      unwatch();
      slot.release();
      throw error;
    }

    const stream = new SseStream(res, this.streamOptions);
    this.connections.add(stream, slot);
    void stream.closed.then(unwatch);

    stream.sendCatchUp({
      event: 'snapshot',
      id: String(snapshot.resumedAfter ?? snapshot.data.lastSeq),
      retry: SNAPSHOT_RETRY_MS,
      data: snapshot.data,
    });
    snapshot.replay.forEach((message) =>
      stream.sendCatchUp({ event: 'message.created', id: String(message.seq), data: message }),
    );
    if (snapshot.data.hasMore) {
      unwatch();
      stream.end({ retry: 0 });
      // Freed now rather than on 'close': the EventSource asks for the next page at once, and a
      // client at its cap must not be refused its own next page (an EventSource never retries a
      // 503).
      slot.release();
      return;
    }

    // Within a session seq order is commit order (message inserts lock the session row), so every
    // held message up to lastSeq was part of the read: the snapshot or the replay carried it.
    const lastSeq = snapshot.data.lastSeq;
    held.release((event) => {
      if (event.type === 'message.created' && event.data.seq <= lastSeq) {
        return;
      }
      if (event.type === 'session.deleted') {
        // Nothing more will come; a reconnect gets 404, which ends an EventSource for good.
        stream.end(liveFrame(event));
        return;
      }
      stream.send(liveFrame(event));
    });
  }

  /** A place under the caps, or 503 with Retry-After. */
  private reserve(principal: Principal, res: Response): CapSlot {
    try {
      return this.connections.reserve(
        callerKey(principal.ownerId, this.localOwnerId, () => res.req.ip ?? ''),
      );
    } catch (error) {
      if (error instanceof LiveCapacityException) {
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
      }
      throw error;
    }
  }

  /**
   * The snapshot and the messages to replay after it. activeRun is read after watching began: a
   * delta committed meanwhile is held, and dropped by the client by its offset if the text below
   * has it already.
   */
  private async read(
    principal: Principal,
    sessionId: string,
    afterSeq: number | undefined,
  ): Promise<Snapshot> {
    const session = await this.sessions.findOne(principal, sessionId);
    const page =
      afterSeq === undefined
        ? undefined
        : await resumePage(this.messages, principal, sessionId, afterSeq, this.resumeMax);
    if (page?.kind === 'page') {
      // While more pages follow the stream ends after this one: no reply to join yet.
      const activeRun = page.hasMore ? null : await this.runs.active(principal, sessionId);
      return {
        resumedAfter: afterSeq,
        replay: page.missed,
        data: {
          session,
          messages: [],
          lastSeq: page.missed.at(-1)?.seq ?? afterSeq ?? 0,
          hasMore: page.hasMore,
          nextAfter: page.hasMore ? page.nextAfter : null,
          ...(activeRun === null ? {} : { activeRun }),
        },
      };
    }
    // First connect, or a seq this session never had: the newest messages, as for a new client.
    const messages = await this.messages.latest(principal, sessionId, SNAPSHOT_MESSAGES);
    const lastSeq = messages.at(-1)?.seq ?? 0;
    const activeRun = await this.runs.active(principal, sessionId);
    return {
      resumedAfter: undefined,
      replay: [],
      data: {
        session,
        messages,
        lastSeq,
        hasMore: false,
        nextAfter: null,
        ...(activeRun === null ? {} : { activeRun }),
        ...(page?.kind === 'unknown_seq' ? { reset: { reason: page.kind, lastSeq } } : {}),
      },
    };
  }
}

interface Snapshot {
  /** The seq the client resumed after (the snapshot's id), or undefined for a full snapshot. */
  resumedAfter: number | undefined;
  replay: MessageDto[];
  data: SseSnapshot;
}

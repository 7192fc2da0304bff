import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Response } from 'express';
import type { AppConfig } from '../../config/app-config';
import { RunsService } from '../../agent';
import { LiveEvents } from '../fanout/live-events';
import { HeldEvents } from '../fanout/held-events';
import { messagesAfter } from '../fanout/messages-after';
import type { SessionLiveEvent } from '../gateway.events';
import { MessagesService, type MessageDto, type Principal, SessionsService } from '../../sessions';
import type { SseFrame } from './sse-frame';
import { SseStream } from './sse-stream';
import { SseConnections } from './sse-connections';

/** Messages the snapshot carries when the client does not resume from a seq. */
export const SNAPSHOT_MESSAGES = 50;

function liveFrame(event: SessionLiveEvent): SseFrame {
  return event.type === 'message.created'
    ? { event: event.type, id: String(event.data.seq), data: event.data }
    : { event: event.type, data: event.data };
}

/**
 * Serves GET /api/sessions/:id/events. Order of work, so that nothing is lost or doubled:
 * (1) watch the session's live events into a buffer, (2) read the session and the messages
 * (404 here, before any byte of the stream), (3) send `snapshot` and replay the messages after
 * the client's seq, each with `id: <seq>`, (4) flush the buffer minus what the replay already
 * sent, (5) go live. Without a seq, the snapshot carries the latest messages and its `id:` is the
 * last seq, so even a client that never receives a message can resume without a gap.
 */
@Injectable()
export class SessionEventsService {
  private readonly heartbeatMs: number;

  constructor(
    config: ConfigService<AppConfig, true>,
    private readonly live: LiveEvents,
    private readonly sessions: SessionsService,
    private readonly messages: MessagesService,
    private readonly connections: SseConnections,
    private readonly runs: RunsService,
  ) {
    this.heartbeatMs = config.getOrThrow('gateway', { infer: true }).sseHeartbeatMs;
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
    // Watch before reading, so that nothing committed during the reads is missed.
    const held = new HeldEvents<SessionLiveEvent>();
    const unwatch = this.live.watch(sessionId, (event) => held.push(event));
    let session;
    let messages: MessageDto[];
    let activeRun;
    try {
      session = await this.sessions.findOne(principal, sessionId);
      // After watching began: a delta committed meanwhile is held, and dropped by the client by
      // its offset if the text below has it already.
      activeRun = await this.runs.active(principal, sessionId);
      messages =
        afterSeq === undefined
          ? await this.messages.latest(principal, sessionId, SNAPSHOT_MESSAGES)
          : await messagesAfter(this.messages, principal, sessionId, afterSeq);
    } catch (error) {
      unwatch();
      throw error;
    }

    const stream = new SseStream(res, this.heartbeatMs);
    this.connections.add(stream);
    void stream.closed.then(unwatch);

    const replayed = afterSeq === undefined ? [] : messages;
    const lastSeq = messages.at(-1)?.seq ?? afterSeq ?? 0;
    stream.send({
      event: 'snapshot',
      id: String(afterSeq ?? lastSeq),
      data: {
        session,
        messages: afterSeq === undefined ? messages : [],
        lastSeq,
        ...(activeRun === null ? {} : { activeRun }),
      },
    });
    replayed.forEach((message) =>
      stream.send({ event: 'message.created', id: String(message.seq), data: message }),
    );

    // Within a session seq order is commit order (message inserts lock the session row), so every
    // held message up to lastSeq was part of the read: the snapshot or the replay carried it.
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
}

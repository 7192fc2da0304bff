import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { concatMap, map, merge } from 'rxjs';
import { withTimeout } from '../../common/async/with-timeout';
import { type AgentEvent, AgentEvents } from '../../agent';
import {
  type DomainEvent,
  DomainEvents,
  MessagesService,
  type Principal,
  SessionsService,
} from '../../sessions';
import type { ResyncEvent, SessionLiveEvent } from '../gateway.events';
import { LiveEventsMetrics } from './live-events.metrics';

export type LiveEventListener = (event: SessionLiveEvent) => void;

type FedEvent = { source: 'domain'; event: DomainEvent } | { source: 'agent'; event: AgentEvent };

/** An assistant event as clients get it: as published, less the owner; none for internal ones. */
function agentLiveEvent(event: AgentEvent): SessionLiveEvent | null {
  // Internal to the replicas: a client learns of a run when it starts.
  if (event.type === 'run.cancel_requested' || event.type === 'run.queued') {
    return null;
  }
  const data: Partial<AgentEvent> = { ...event };
  delete data.ownerId;
  delete data.type;
  return { type: event.type, sessionId: event.sessionId, data } as SessionLiveEvent;
}

/** Longest a live event's database read may take before it is given up with a resync hint. */
const RESOLVE_TIMEOUT_MS = 5000;

/**
 * Turns this instance's domain events into live events for the sessions someone here watches.
 * A NOTIFY carries ids only, so the message or session is read from the database once per event
 * (never once per client), and only when a local socket room or SSE stream watches that session.
 * Events are resolved one at a time, in the order Postgres delivered them (commit order), so a
 * watcher never sees them reordered by uneven query times. When events may have been lost (the
 * LISTEN connection was restored, or an event could not be read) watchers get a `resync` hint.
 */
@Injectable()
export class LiveEvents implements OnModuleInit {
  private readonly logger = new Logger(LiveEvents.name);
  private readonly watchers = new Map<string, Set<LiveEventListener>>();

  constructor(
    private readonly domainEvents: DomainEvents,
    private readonly agentEvents: AgentEvents,
    private readonly sessions: SessionsService,
    private readonly messages: MessagesService,
    private readonly metrics: LiveEventsMetrics,
  ) {
    metrics.watchedSessionsFrom(() => this.watchers.size);
  }

  /**
   * Subscriptions end when the feed completes, in the 'stop LISTEN' shutdown step, after the last
   * response: not in onModuleDestroy, which Nest runs before the drain, so live events would stop
   * reaching clients during the drain delay.
   */
  onModuleInit(): void {
    // One feed, in the order Postgres delivered both channels on the one LISTEN connection: an
    // assistant message's message.created never overtakes its last delta or its run.completed.
    merge(
      this.domainEvents.events$.pipe(map((event) => ({ source: 'domain' as const, event }))),
      this.agentEvents.events$.pipe(map((event) => ({ source: 'agent' as const, event }))),
    )
      .pipe(
        map((event) => ({ event, receivedAt: performance.now() })),
        concatMap(async ({ event, receivedAt }) => ({
          live: await this.resolve(event),
          receivedAt,
        })),
      )
      .subscribe(({ live, receivedAt }) => {
        if (live) {
          this.deliver(live);
          this.metrics.delivered(live.type, receivedAt);
        }
      });
    // Notifications sent while the connection was down are lost for good: every watcher reloads.
    this.domainEvents.reconnected$.subscribe(() => {
      for (const sessionId of [...this.watchers.keys()]) {
        this.resync(sessionId, 'listener_reconnected');
      }
    });
  }

  /** Calls `listener` with every live event of `sessionId` until the returned function is called. */
  watch(sessionId: string, listener: LiveEventListener): () => void {
    let listeners = this.watchers.get(sessionId);
    if (!listeners) {
      listeners = new Set();
      this.watchers.set(sessionId, listeners);
    }
    listeners.add(listener);
    return () => {
      const current = this.watchers.get(sessionId);
      current?.delete(listener);
      if (current?.size === 0) {
        this.watchers.delete(sessionId);
      }
    };
  }

  /** Whether a local socket room or SSE stream watches `sessionId`. */
  isWatched(sessionId: string): boolean {
    return this.watchers.has(sessionId);
  }

  private resync(sessionId: string, reason: ResyncEvent['reason']): void {
    this.metrics.resync(reason);
    this.deliver({ type: 'resync', sessionId, data: { sessionId, reason } });
  }

  private deliver(event: SessionLiveEvent): void {
    for (const listener of [...(this.watchers.get(event.sessionId) ?? [])]) {
      this.safely(() => listener(event));
    }
  }

  /** One failing client must not stop delivery to the others. */
  private safely(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.logger.error({ err: error }, 'live event listener failed');
    }
  }

  /**
   * The live event for a domain event, read from the database; null when nobody here watches.
   * Bounded: events are resolved one at a time, so one hung read must not stall the fan-out of
   * every session on this instance.
   */
  private async resolve(fed: FedEvent): Promise<SessionLiveEvent | null> {
    if (!this.watchers.has(fed.event.sessionId)) {
      return null;
    }
    if (fed.source === 'agent') {
      return agentLiveEvent(fed.event);
    }
    const event = fed.event;
    try {
      return await withTimeout(() => this.read(event), RESOLVE_TIMEOUT_MS, `reading ${event.type}`);
    } catch (error) {
      // Typically the session was deleted in between (its session.deleted follows), or the
      // database is briefly unavailable: tell the watchers to reload rather than fail silently.
      this.logger.warn(
        { err: error, event },
        `could not resolve ${event.type} for session ${event.sessionId}; resync hinted`,
      );
      this.resync(event.sessionId, 'event_unavailable');
      return null;
    }
  }

  private async read(event: DomainEvent): Promise<SessionLiveEvent | null> {
    const principal: Principal = { ownerId: event.ownerId };
    switch (event.type) {
      case 'session.created':
        // Nobody can watch a session before it exists.
        return null;
      case 'session.deleted':
        return {
          type: event.type,
          sessionId: event.sessionId,
          data: { sessionId: event.sessionId },
        };
      case 'session.updated': {
        const session = await this.sessions.findOne(principal, event.sessionId);
        return {
          type: event.type,
          sessionId: event.sessionId,
          data: { sessionId: event.sessionId, version: event.version, session },
        };
      }
      case 'session.phase_changed': {
        const session = await this.sessions.findOne(principal, event.sessionId);
        return {
          type: event.type,
          sessionId: event.sessionId,
          data: {
            sessionId: event.sessionId,
            version: event.version,
            phase: event.phase,
            previousPhase: event.previousPhase,
            session,
          },
        };
      }
      case 'message.created': {
        // The payload's seq is a decimal string (a bigint); Number() also accepts a JSON number.
        const message = await this.messages.findBySeq(
          principal,
          event.sessionId,
          Number(event.seq),
        );
        return message ? { type: event.type, sessionId: event.sessionId, data: message } : null;
      }
    }
  }
}

import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { NotificationListener } from '../../database/notification-listener';
import { type DomainEvent, parseDomainEvent } from './domain-event';
import { DOMAIN_EVENTS_CHANNEL } from './domain-events-channel';

/**
 * This instance's feed of domain events, from every instance's writes, in commit order: what
 * other modules subscribe to instead of LISTENing themselves. Both observables complete when the
 * LISTEN connection stops for good (the 'stop LISTEN' shutdown step).
 */
@Injectable()
export class DomainEvents implements OnModuleInit {
  readonly events$: Observable<DomainEvent>;
  /**
   * The LISTEN connection was lost and restored: events committed meanwhile were not delivered
   * and never will be, so subscribers must reload from the database.
   */
  readonly reconnected$: Observable<void>;

  constructor(private readonly listener: NotificationListener) {
    this.events$ = listener.events$(DOMAIN_EVENTS_CHANNEL, parseDomainEvent);
    this.reconnected$ = listener.reconnected$;
  }

  /** Before the app takes traffic: the LISTEN is in place by the time readiness turns 200. */
  onModuleInit(): Promise<void> {
    return this.listener.listen(DOMAIN_EVENTS_CHANNEL);
  }
}

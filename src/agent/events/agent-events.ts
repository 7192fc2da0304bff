import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { NotificationListener } from '../../database/notification-listener';
import { AGENT_EVENTS_CHANNEL, type AgentEvent, parseAgentEvent } from './agent-event';

/**
 * This instance's feed of the assistant's events, from every replica's runs, in commit order (the
 * same LISTEN connection as the domain events, so the two feeds keep their relative order).
 */
@Injectable()
export class AgentEvents implements OnModuleInit {
  readonly events$: Observable<AgentEvent>;

  constructor(private readonly listener: NotificationListener) {
    this.events$ = listener.events$(AGENT_EVENTS_CHANNEL, parseAgentEvent);
  }

  onModuleInit(): Promise<void> {
    return this.listener.listen(AGENT_EVENTS_CHANNEL);
  }
}

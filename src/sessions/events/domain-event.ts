import type { EntityManager } from 'typeorm';
import { DOMAIN_EVENTS_CHANNEL } from '../../database/domain-events-channel';

/**
 * What every write publishes, inside its own transaction, with pg_notify: Postgres delivers it on
 * commit only, never for a rolled-back write. Payloads stay small (type and ids); consumers read
 * the rest from the database. `seq` travels as a decimal string (a Postgres bigint).
 */
export type DomainEvent =
  | {
      type: 'session.created' | 'session.updated' | 'session.deleted';
      sessionId: string;
      ownerId: string;
      version: number;
    }
  | {
      type: 'session.phase_changed';
      sessionId: string;
      ownerId: string;
      version: number;
      phase: string;
      previousPhase: string;
    }
  | { type: 'message.created'; sessionId: string; ownerId: string; messageId: string; seq: string };

export type DomainEventType = DomainEvent['type'];

const EVENT_TYPES: ReadonlySet<string> = new Set<DomainEventType>([
  'session.created',
  'session.updated',
  'session.deleted',
  'session.phase_changed',
  'message.created',
]);

/** Publishes `event` as part of the transaction `manager` runs in. */
export async function publishDomainEvent(
  manager: EntityManager,
  event: DomainEvent,
): Promise<void> {
  await manager.query('SELECT pg_notify($1, $2)', [DOMAIN_EVENTS_CHANNEL, JSON.stringify(event)]);
}

/** The event in a NOTIFY payload, or null for anything that is not one of ours. */
export function parseDomainEvent(payload: string): DomainEvent | null {
  try {
    const value = JSON.parse(payload) as Partial<DomainEvent> | null;
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof value.type === 'string' &&
      EVENT_TYPES.has(value.type) &&
      typeof value.sessionId === 'string' &&
      typeof value.ownerId === 'string'
    ) {
      return value as DomainEvent;
    }
  } catch {
    // Not JSON: not ours.
  }
  return null;
}

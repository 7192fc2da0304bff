/**
 * What every write publishes, inside its own transaction, with pg_notify (the NOTIFY is part of
 * the write's statement: see ../sql/notify-domain-event.sql.ts): Postgres delivers it on commit
 * only, never for a rolled-back write. Payloads stay small (type and ids); consumers read the rest
 * from the database. `seq` travels as a decimal string (a Postgres bigint).
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

/** The member of the union that carries `type`. */
export type DomainEventOf<T extends DomainEventType> = DomainEvent extends infer E
  ? E extends DomainEvent
    ? T extends E['type']
      ? E
      : never
    : never
  : never;

const EVENT_TYPES: ReadonlySet<string> = new Set<DomainEventType>([
  'session.created',
  'session.updated',
  'session.deleted',
  'session.phase_changed',
  'message.created',
]);

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

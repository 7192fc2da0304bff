import type { DomainEventOf, DomainEventType } from '../events/domain-event';
import { DOMAIN_EVENTS_CHANNEL } from '../events/domain-events-channel';

/**
 * One SQL expression per field of the event besides `type`, read from the written row. The JSON
 * type each produces is the payload's: uuid and enum become strings, integer a number; a bigint
 * must be cast to text (`seq::text`) since the DomainEvent carries it as a decimal string.
 */
export type DomainEventSqlFields<T extends DomainEventType> = Record<
  Exclude<keyof DomainEventOf<T>, 'type'>,
  string
>;

/**
 * `SELECT pg_notify(...) FROM <from>`: publishes one `type` event per row of `from`, built by
 * json_build_object from `fields`. It is a fragment for writeWithEventSql, which runs it in the
 * same statement as the write it announces, hence in the same transaction: Postgres queues the
 * NOTIFY and delivers it on commit only, never for a statement or transaction that rolls back.
 */
export function notifyDomainEventSql<T extends DomainEventType>(
  type: T,
  fields: DomainEventSqlFields<T>,
  from: string,
): string {
  const pairs = [
    `'type', ${literal(type)}`,
    ...Object.entries<string>(fields).map(([key, expression]) => `${literal(key)}, ${expression}`),
  ];
  return `SELECT pg_notify(${literal(DOMAIN_EVENTS_CHANNEL)}, json_build_object(${pairs.join(', ')})::text) FROM ${from}`;
}

/** Our own constants only (event types, field names, the channel): never request input. */
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

import type { DomainEventType } from '../events/domain-event';
import { type DomainEventSqlFields, notifyDomainEventSql } from './notify-domain-event.sql';

/** The name under which the write's RETURNING rows are visible to `event.fields` expressions. */
export const WRITTEN = 'written';

/**
 * One statement that writes and publishes the write's domain event: one round trip, and outside
 * BEGIN/COMMIT its own transaction. The NOTIFY lives inside the statement rather than in a second
 * `SELECT pg_notify` so a write costs one round trip instead of four (BEGIN, write, notify,
 * COMMIT) while keeping the guarantee that matters: the event is queued by the same transaction
 * as the row, so it is delivered on commit only and never for a rolled-back write.
 *
 *   WITH <before…>, written AS (<write> RETURNING …),
 *        notified AS MATERIALIZED (SELECT pg_notify(…) FROM written)
 *   SELECT written.*, (SELECT count(*) FROM notified) AS notified FROM written
 *
 * A WITH query that modifies nothing runs only if the statement reads it, so the final SELECT
 * reads `notified` (one event per written row; none when nothing was written, e.g. a refused
 * conditional UPDATE). MATERIALIZED keeps it a separate step, never folded into the count.
 * `before` are CTEs the write reads, e.g. a row lock taken ahead of an INSERT; `after` are CTEs
 * that read the written rows, e.g. an INSERT storing them as an Idempotency-Key's answer (a WITH
 * query that modifies data always runs, read or not).
 */
export function writeWithEventSql<T extends DomainEventType>(parts: {
  before?: Record<string, string>;
  write: string;
  after?: Record<string, string>;
  event: T;
  fields: DomainEventSqlFields<T>;
}): string {
  const ctes = [
    ...Object.entries(parts.before ?? {}).map(([name, query]) => `${name} AS (${query})`),
    `${WRITTEN} AS (${parts.write})`,
    `notified AS MATERIALIZED (${notifyDomainEventSql(parts.event, parts.fields, WRITTEN)})`,
    ...Object.entries(parts.after ?? {}).map(([name, query]) => `${name} AS (${query})`),
  ];
  return `WITH ${ctes.join(',\n')}
SELECT ${WRITTEN}.*, (SELECT count(*) FROM notified) AS notified FROM ${WRITTEN}`;
}

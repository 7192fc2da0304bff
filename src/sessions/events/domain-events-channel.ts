/**
 * The Postgres NOTIFY channel every domain event travels on: the writes publish on it
 * (sql/notify-domain-event.sql.ts) and DomainEvents listens to it on every instance.
 */
export const DOMAIN_EVENTS_CHANNEL = 'renovation_events';

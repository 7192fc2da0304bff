/** The Postgres NOTIFY channel every domain event travels on (see sessions/events/domain-event.ts). */
export const DOMAIN_EVENTS_CHANNEL = 'renovation_events';

import { DOMAIN_EVENTS_CHANNEL } from '../../src/sessions/events/domain-events-channel';

/** Anything that runs a parameterised statement: a pg Client or Pool, or a typeorm DataSource. */
export interface Queryable {
  query(sql: string, parameters: unknown[]): Promise<unknown>;
}

export interface LongConversation {
  count: number;
  /** Characters per message (the most a message may have is 10,000). */
  length: number;
  /**
   * Also publish `message.created` for each, in seq order, as the app's own inserts do: the
   * messages then reach live clients too, all in one commit.
   */
  notify?: { ownerId: string };
}

/**
 * Inserts `count` assistant messages of `length` characters into a session in one statement, in
 * seq order: a long conversation in about a second instead of one POST per message. Assistant
 * messages, so that no run is queued for them.
 */
export async function insertLongConversation(
  db: Queryable,
  sessionId: string,
  { count, length, notify }: LongConversation,
): Promise<void> {
  const insert = `INSERT INTO messages (session_id, role, content)
    SELECT $1, 'assistant', lpad(i::text, $3, 'x') FROM generate_series(1, $2::int) AS i ORDER BY i
    RETURNING id, session_id, seq`;
  if (!notify) {
    await db.query(`WITH written AS (${insert}) SELECT count(*) FROM written`, [
      sessionId,
      count,
      length,
    ]);
    return;
  }
  await db.query(
    `WITH written AS (${insert})
     SELECT pg_notify('${DOMAIN_EVENTS_CHANNEL}', json_build_object(
       'type', 'message.created', 'sessionId', session_id, 'ownerId', $4::uuid,
       'messageId', id, 'seq', seq::text)::text)
     FROM (SELECT * FROM written ORDER BY seq) AS ordered`,
    [sessionId, count, length, notify.ownerId],
  );
}

/** Every seq of the session, ascending: what a client that has everything holds. */
export async function sessionSeqs(db: Queryable, sessionId: string): Promise<number[]> {
  const rows = (await db.query('SELECT seq FROM messages WHERE session_id = $1 ORDER BY seq', [
    sessionId,
  ])) as Array<{ seq: string }> | { rows: Array<{ seq: string }> };
  return (Array.isArray(rows) ? rows : rows.rows).map((row) => Number(row.seq));
}

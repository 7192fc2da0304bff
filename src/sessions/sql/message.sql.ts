import type { CreateMessageDto } from '../dto/create-message.dto';
import { MessageRole } from '../message-role';
import type { SqlStatement } from '../../database/query-rows';
import {
  CLAIM,
  type IdempotencyClaim,
  idempotencyCtes,
  type StoredAnswerRow,
  storedAnswerStatement,
} from './idempotency-key.sql';
import { WRITTEN, writeWithEventSql } from './write-with-event.sql';

/**
 * Every statement on `messages`: one per request, each owner-checked through the session row, so
 * another owner's session and its messages are simply not there.
 */

export interface MessageRow {
  id: string;
  session_id: string;
  /** bigint: the pg driver returns it as text. */
  seq: string;
  role: MessageRole;
  content: string;
  created_at: Date;
}

export const MESSAGE_COLUMNS = 'id, session_id, seq, role, content, created_at';

/**
 * A row of an owned-messages read: no row at all when the session does not exist for this owner,
 * one row with a null id when it exists but the window holds no message.
 */
export type OwnedMessageRow = Omit<MessageRow, 'id'> & { id: string | null };

/**
 * Inserts a message and publishes `message.created`, in one statement. The owner check is the
 * locking CTE: no row for another owner's or a missing session, hence no insert and no event.
 * The lock (FOR NO KEY UPDATE, which still lets the foreign key's KEY SHARE through) is taken
 * before the identity allocates `seq` and held until commit, so the messages of one session commit
 * in seq order: a reader resuming "after seq N" can never later see a smaller seq appear.
 *
 * With an Idempotency-Key `claim`, the key is claimed before the session row is locked (a second
 * request with the key fails fast rather than queueing on the lock), nothing is written unless the
 * key is free, and the message is stored as the key's answer by the same statement. The user
 * message's assistant run is queued by a trigger on the insert, so a replay queues none.
 */
export function insertMessageStatement(
  ownerId: string,
  sessionId: string,
  dto: CreateMessageDto,
  claim?: IdempotencyClaim,
): SqlStatement<MessageRow> {
  const parameters: unknown[] = [sessionId, ownerId, dto.role ?? MessageRole.USER, dto.content];
  const keyed = claim === undefined ? undefined : idempotencyCtes(claim, parameters);
  return {
    sql: writeWithEventSql({
      before:
        keyed === undefined
          ? { session: 'SELECT id FROM sessions WHERE id = $1 AND owner_id = $2 FOR NO KEY UPDATE' }
          : {
              [CLAIM]: keyed.claim,
              session: `SELECT s.id FROM sessions s CROSS JOIN ${CLAIM}
                        WHERE s.id = $1 AND s.owner_id = $2 AND ${CLAIM}.fresh
                        FOR NO KEY UPDATE OF s`,
            },
      write: `INSERT INTO messages (session_id, role, content)
              SELECT id, $3, $4 FROM session
              RETURNING ${MESSAGE_COLUMNS}`,
      event: 'message.created',
      fields: {
        sessionId: `${WRITTEN}.session_id`,
        ownerId: '$2::uuid',
        messageId: `${WRITTEN}.id`,
        seq: `${WRITTEN}.seq::text`,
      },
      ...(keyed === undefined ? {} : { after: { stored: keyed.stored } }),
    }),
    parameters,
  };
}

/** The message a key's earlier request created, as insertMessageStatement returned it. */
export function storedMessageStatement(
  claim: IdempotencyClaim,
): SqlStatement<StoredAnswerRow<MessageRow>> {
  return storedAnswerStatement(claim.ownerId, claim.key, 'messages', MESSAGE_COLUMNS);
}

/** Messages with seq > afterSeq, ascending, at most `rows`. */
export function messagesAfterStatement(
  ownerId: string,
  sessionId: string,
  afterSeq: number,
  rows: number,
): SqlStatement<OwnedMessageRow> {
  return ownedMessagesStatement(ownerId, sessionId, 'seq > $3 ORDER BY seq LIMIT $4', [
    afterSeq,
    rows,
  ]);
}

/** The newest `limit` messages (returned ascending), read backwards through the index. */
export function latestMessagesStatement(
  ownerId: string,
  sessionId: string,
  limit: number,
): SqlStatement<OwnedMessageRow> {
  return ownedMessagesStatement(ownerId, sessionId, 'true ORDER BY seq DESC LIMIT $3', [limit]);
}

/** The message with this seq, if the session has one. */
export function messageBySeqStatement(
  ownerId: string,
  sessionId: string,
  seq: number,
): SqlStatement<OwnedMessageRow> {
  return ownedMessagesStatement(ownerId, sessionId, 'seq = $3', [seq]);
}

/**
 * One statement: the session row (the owner check) joined to the messages `window` selects
 * through IDX_messages_session_seq, returned ascending. `window` refers to its parameters from $3.
 */
function ownedMessagesStatement(
  ownerId: string,
  sessionId: string,
  window: string,
  parameters: unknown[],
): SqlStatement<OwnedMessageRow> {
  return {
    sql: `SELECT m.id, s.id AS session_id, m.seq, m.role, m.content, m.created_at
       FROM sessions s
       LEFT JOIN LATERAL (
         SELECT ${MESSAGE_COLUMNS} FROM messages WHERE session_id = s.id AND ${window}
       ) m ON true
       WHERE s.id = $1 AND s.owner_id = $2
       ORDER BY m.seq`,
    parameters: [sessionId, ownerId, ...parameters],
  };
}

/** One message of a group commit (insertMessagesStatement). */
export interface MessageWrite {
  ownerId: string;
  sessionId: string;
  role: MessageRole;
  content: string;
}

/**
 * Several messages, possibly of several sessions and owners, inserted and published in ONE
 * statement, hence one transaction and one commit: the group commit of concurrent posts
 * (MessageWriteBatcher). The same guarantees as insertMessageStatement, per row:
 *
 * - owner check: a row is written only where (session, owner) matches; a write whose session is
 *   missing or another owner's gets no row (and the caller its 404);
 * - the sessions' rows are locked FOR NO KEY UPDATE in id order (no deadlock between two groups)
 *   before any `seq` is allocated: the Sort under the INSERT needs every joined row first, so
 *   the messages of one session still commit in seq order;
 * - `seq` follows the writes' order (`ord`) within a session;
 * - one `message.created` NOTIFY per row, in the same transaction, and the trigger queues a run
 *   per user message as for a single insert.
 *
 * RETURNING carries no `ord`: the caller matches rows to writes by (session, role, content) in
 * seq order (matchWrittenMessages).
 */
export function insertMessagesStatement(writes: readonly MessageWrite[]): SqlStatement<MessageRow> {
  return {
    sql: writeWithEventSql({
      before: {
        writes: `SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])
                WITH ORDINALITY AS writes(session_id, owner_id, role, content, ord)`,
        // By id alone, so the plan is the primary key whatever the owners' statistics (an
        // owner filter here let the planner pick the owner index); the JOIN below is the owner
        // check. A write naming another owner's session only locks that row until this commit.
        session: `SELECT id, owner_id FROM sessions
                  WHERE id = ANY($1::uuid[])
                  ORDER BY id FOR NO KEY UPDATE`,
      },
      write: `INSERT INTO messages (session_id, role, content)
              SELECT writes.session_id, writes.role::message_role, writes.content
              FROM writes JOIN session
                ON session.id = writes.session_id AND session.owner_id = writes.owner_id
              ORDER BY writes.ord
              RETURNING ${MESSAGE_COLUMNS}`,
      event: 'message.created',
      fields: {
        sessionId: `${WRITTEN}.session_id`,
        ownerId: `(SELECT owner_id FROM session WHERE session.id = ${WRITTEN}.session_id)`,
        messageId: `${WRITTEN}.id`,
        seq: `${WRITTEN}.seq::text`,
      },
    }),
    parameters: [
      writes.map((write) => write.sessionId),
      writes.map((write) => write.ownerId),
      writes.map((write) => write.role),
      writes.map((write) => write.content),
    ],
  };
}

/**
 * The row each write got, in the writes' order; undefined where none was written (no such session
 * for that owner). Within a session, rows are taken in seq order by the first write with the same
 * role and content: writes that cannot be told apart get rows that cannot either.
 */
export function matchWrittenMessages(
  writes: readonly MessageWrite[],
  rows: readonly MessageRow[],
): Array<MessageRow | undefined> {
  const left = [...rows].sort((a, b) => Number(BigInt(a.seq) - BigInt(b.seq)));
  return writes.map((write) => {
    const index = left.findIndex(
      (row) =>
        row.session_id === write.sessionId &&
        row.role === write.role &&
        row.content === write.content,
    );
    return index < 0 ? undefined : left.splice(index, 1)[0];
  });
}

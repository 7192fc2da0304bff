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

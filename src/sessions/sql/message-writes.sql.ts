import type { CreateMessageDto } from '../dto/create-message.dto';
import { MessageRole } from '../message-role';
import { MESSAGE_COLUMNS } from '../sessions.mapper';
import { type SqlStatement, WRITTEN, writeWithEventSql } from './write-with-event.sql';

/**
 * Inserts a message and publishes `message.created`, in one statement. The owner check is the
 * locking CTE: no row for another owner's or a missing session, hence no insert and no event.
 * The lock (FOR NO KEY UPDATE, which still lets the foreign key's KEY SHARE through) is taken
 * before the identity allocates `seq` and held until commit, so the messages of one session commit
 * in seq order: a reader resuming "after seq N" can never later see a smaller seq appear.
 */
export function insertMessageStatement(
  ownerId: string,
  sessionId: string,
  dto: CreateMessageDto,
): SqlStatement {
  return {
    sql: writeWithEventSql({
      before: {
        session: 'SELECT id FROM sessions WHERE id = $1 AND owner_id = $2 FOR NO KEY UPDATE',
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
    }),
    parameters: [sessionId, ownerId, dto.role ?? MessageRole.USER, dto.content],
  };
}

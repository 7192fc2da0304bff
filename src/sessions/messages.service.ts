import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CreateMessageDto } from './dto/create-message.dto';
import type { MessageDto } from './dto/message.dto';
import { SessionNotFoundException } from './exceptions/session-not-found.exception';
import type { Principal } from './principal/principal';
import { MESSAGE_COLUMNS, type MessageRow, toMessageDto } from './sessions.mapper';
import { insertMessageStatement } from './sql/message-writes.sql';
import { queryRows } from './sql/query-rows';

/**
 * A session's conversation. Used by the REST controller and by the gateway (socket.io acks and
 * resume), so both see the same owner scoping and the same commit-before-ack rule.
 */
@Injectable()
export class MessagesService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts and publishes `message.created` in one statement (insertMessageStatement), which is its
   * own transaction: resolves only once it committed. No row: no such session for this owner.
   */
  async create(
    principal: Principal,
    sessionId: string,
    dto: CreateMessageDto,
  ): Promise<MessageDto> {
    const statement = insertMessageStatement(principal.ownerId, sessionId, dto);
    const [row] = await queryRows<MessageRow>(
      this.dataSource.manager,
      statement.sql,
      statement.parameters,
    );
    if (row === undefined) {
      throw new SessionNotFoundException(sessionId);
    }
    return toMessageDto(row);
  }

  /** Messages with seq > afterSeq, ascending, at most `limit`, and the cursor of the next page. */
  async listAfter(
    principal: Principal,
    sessionId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ items: MessageDto[]; nextAfter: number | null }> {
    const messages = await this.ownedMessages(
      principal,
      sessionId,
      'seq > $3 ORDER BY seq LIMIT $4',
      [afterSeq, limit + 1],
    );
    const items = messages.slice(0, limit);
    return {
      items,
      nextAfter: messages.length > limit ? (items.at(-1)?.seq ?? null) : null,
    };
  }

  /**
   * The newest `limit` messages, ascending: what a first-time viewer is shown, read backwards
   * through the index however long the conversation is.
   */
  latest(principal: Principal, sessionId: string, limit: number): Promise<MessageDto[]> {
    return this.ownedMessages(principal, sessionId, 'true ORDER BY seq DESC LIMIT $3', [limit]);
  }

  /**
   * One statement: the session row (the owner check) joined to the messages `window` selects
   * through IDX_messages_session_seq, returned ascending. No row at all means no such session for
   * this owner (404); one row with no message means an empty window.
   */
  private async ownedMessages(
    principal: Principal,
    sessionId: string,
    window: string,
    parameters: unknown[],
  ): Promise<MessageDto[]> {
    const rows = await queryRows<Omit<MessageRow, 'id'> & { id: string | null }>(
      this.dataSource.manager,
      `SELECT m.id, s.id AS session_id, m.seq, m.role, m.content, m.created_at
       FROM sessions s
       LEFT JOIN LATERAL (
         SELECT ${MESSAGE_COLUMNS} FROM messages WHERE session_id = s.id AND ${window}
       ) m ON true
       WHERE s.id = $1 AND s.owner_id = $2
       ORDER BY m.seq`,
      [sessionId, principal.ownerId, ...parameters],
    );
    if (rows.length === 0) {
      throw new SessionNotFoundException(sessionId);
    }
    return rows.filter((row): row is MessageRow => row.id !== null).map(toMessageDto);
  }
}

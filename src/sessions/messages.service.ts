import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CreateMessageDto } from './dto/create-message.dto';
import type { MessagePageDto } from './dto/message-page.dto';
import type { MessageDto } from './dto/message.dto';
import { SessionNotFoundException } from './exceptions/session-not-found.exception';
import { type Idempotent, IdempotentWrites } from './idempotency/idempotent-writes';
import { MessageRole } from './message-role';
import { toMessageDto } from './message.mapper';
import { MessageWriteBatcher } from './message-write-batcher';
import type { Principal } from './principal/principal';
import {
  insertMessageStatement,
  insertMessagesStatement,
  latestMessagesStatement,
  matchWrittenMessages,
  messageBySeqStatement,
  messagesAfterStatement,
  type MessageRow,
  type MessageWrite,
  type OwnedMessageRow,
  storedMessageStatement,
} from './sql/message.sql';
import { queryRows, type SqlStatement } from '../database/query-rows';

/**
 * A session's conversation. Used by the REST controller and by the gateway (socket.io acks, live
 * events and resume), so all see the same owner scoping and the same commit-before-ack rule. Each
 * call is one statement of sql/message.sql.ts; every read throws SessionNotFoundException for a
 * missing or foreign session.
 */
@Injectable()
export class MessagesService {
  /**
   * Concurrent posts are committed together (docs/architecture.md, "Group commit"): every commit
   * of a write that NOTIFYs takes Postgres's notify-queue lock until it is flushed, so commits of
   * messages run one at a time, whatever the pool size. Two statements in flight keep one
   * committing while the next group forms.
   */
  private readonly writes = new MessageWriteBatcher<MessageWrite, MessageRow>({
    one: async (write) => {
      const [row] = await queryRows(
        this.dataSource.manager,
        insertMessageStatement(write.ownerId, write.sessionId, write),
      );
      return row;
    },
    many: async (writes) =>
      matchWrittenMessages(
        writes,
        await queryRows(this.dataSource.manager, insertMessagesStatement(writes)),
      ),
    maxBatch: 100,
    maxInFlight: 2,
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotent: IdempotentWrites,
  ) {}

  /**
   * Inserts and publishes `message.created` in one statement (insertMessageStatement, or with
   * concurrent posts insertMessagesStatement), which is its own transaction: resolves only once
   * it committed. No row: no such session for this owner.
   */
  async create(
    principal: Principal,
    sessionId: string,
    dto: CreateMessageDto,
  ): Promise<MessageDto> {
    return (await this.createOnce(principal, sessionId, dto, undefined)).value;
  }

  /**
   * As create; with an Idempotency-Key, a retry gets the first request's message back (replayed)
   * instead of a second message and a second assistant run; see IdempotentWrites. A keyed write is
   * its own statement (its key is claimed, checked and stored in it); the rest are group-committed.
   */
  async createOnce(
    principal: Principal,
    sessionId: string,
    dto: CreateMessageDto,
    idempotencyKey: string | undefined,
  ): Promise<Idempotent<MessageDto>> {
    const claim = this.idempotent.claim(principal.ownerId, idempotencyKey, 'message.create', {
      sessionId,
      content: dto.content,
      role: dto.role ?? MessageRole.USER,
    });
    const { row, replayed } =
      claim === undefined
        ? {
            row: await this.writes.write({
              ownerId: principal.ownerId,
              sessionId,
              role: dto.role ?? MessageRole.USER,
              content: dto.content,
            }),
            replayed: false,
          }
        : await this.idempotent.run(
            insertMessageStatement(principal.ownerId, sessionId, dto, claim),
            claim,
            storedMessageStatement,
          );
    if (row === undefined) {
      throw new SessionNotFoundException(sessionId);
    }
    return { value: toMessageDto(row), replayed };
  }

  /** Messages with seq > afterSeq, ascending, at most `limit`, and the cursor of the next page. */
  async listAfter(
    principal: Principal,
    sessionId: string,
    afterSeq: number,
    limit: number,
  ): Promise<MessagePageDto> {
    const messages = await this.owned(
      sessionId,
      messagesAfterStatement(principal.ownerId, sessionId, afterSeq, limit + 1),
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
    return this.owned(sessionId, latestMessagesStatement(principal.ownerId, sessionId, limit));
  }

  /** The message with this seq, or null when the session has no message with that seq. */
  async findBySeq(
    principal: Principal,
    sessionId: string,
    seq: number,
  ): Promise<MessageDto | null> {
    const [message] = await this.owned(
      sessionId,
      messageBySeqStatement(principal.ownerId, sessionId, seq),
    );
    return message ?? null;
  }

  /** No row at all: no such session for this owner (404); a row without id: an empty window. */
  private async owned(
    sessionId: string,
    statement: SqlStatement<OwnedMessageRow>,
  ): Promise<MessageDto[]> {
    const rows = await queryRows(this.dataSource.manager, statement);
    if (rows.length === 0) {
      throw new SessionNotFoundException(sessionId);
    }
    return rows.filter((row): row is MessageRow => row.id !== null).map(toMessageDto);
  }
}

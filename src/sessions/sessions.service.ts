import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ChangePhaseDto } from './dto/change-phase.dto';
import type { CreateSessionDto } from './dto/create-session.dto';
import type { ListSessionsQuery } from './dto/list-sessions.query';
import type { SessionPageDto } from './dto/session-page.dto';
import type { SessionDto } from './dto/session.dto';
import type { UpdateSessionDto } from './dto/update-session.dto';
import { EmptyUpdateException } from './exceptions/empty-update.exception';
import { IllegalPhaseTransitionException } from './exceptions/illegal-phase-transition.exception';
import { InvalidCursorException } from './exceptions/invalid-cursor.exception';
import { SessionNotFoundException } from './exceptions/session-not-found.exception';
import { VersionMismatchException } from './exceptions/version-mismatch.exception';
import type { IfMatch } from './if-match';
import { decodeSessionCursor, encodeSessionCursor } from './pagination/session-cursor';
import { allowedNextPhases } from './phase-machine';
import type { Principal } from './principal/principal';
import { SESSION_COLUMNS, type SessionRow, toSessionDto } from './sessions.mapper';
import type { SessionPhase } from './session-phase';
import { queryRows } from './sql/query-rows';
import {
  changePhaseStatement,
  deleteSessionStatement,
  insertSessionStatement,
  updateSessionStatement,
} from './sql/session-writes.sql';
import type { SqlStatement } from './sql/write-with-event.sql';

/**
 * Sessions, always scoped to the principal's owner id. Each request is one statement, one round
 * trip: a write carries the pg_notify of its event inside it (sql/write-with-event.sql.ts). A
 * second statement runs only on a failure path, to tell 404 from 409/412.
 */
@Injectable()
export class SessionsService {
  constructor(private readonly dataSource: DataSource) {}

  async create(principal: Principal, dto: CreateSessionDto): Promise<SessionDto> {
    const [row] = await this.run<SessionRow>(insertSessionStatement(principal.ownerId, dto));
    return toSessionDto(required(row));
  }

  async findOne(principal: Principal, id: string): Promise<SessionDto> {
    const [row] = await queryRows<SessionRow>(
      this.dataSource.manager,
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1 AND owner_id = $2`,
      [id, principal.ownerId],
    );
    if (row === undefined) {
      throw new SessionNotFoundException(id);
    }
    return toSessionDto(row);
  }

  /**
   * Newest first by the keyset (created_at, id), served by a backward scan of
   * IDX_sessions_owner[_phase]_created. A session inserted meanwhile sorts before the cursor, so
   * pages neither repeat nor skip rows.
   */
  async list(principal: Principal, query: ListSessionsQuery): Promise<SessionPageDto> {
    const conditions = ['owner_id = $1'];
    const parameters: unknown[] = [principal.ownerId];
    if (query.phase !== undefined) {
      parameters.push(query.phase);
      conditions.push(`phase = $${parameters.length}`);
    }
    if (query.cursor !== undefined) {
      const cursor = decodeSessionCursor(query.cursor);
      if (cursor === null) {
        throw new InvalidCursorException();
      }
      parameters.push(cursor.createdAt, cursor.id);
      conditions.push(`(created_at, id) < ($${parameters.length - 1}, $${parameters.length})`);
    }
    parameters.push(query.limit + 1);
    const rows = await queryRows<SessionRow>(
      this.dataSource.manager,
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE ${conditions.join(' AND ')}
       ORDER BY created_at DESC, id DESC LIMIT $${parameters.length}`,
      parameters,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(toSessionDto),
      nextCursor:
        rows.length > query.limit && last !== undefined
          ? encodeSessionCursor({ createdAt: last.created_at, id: last.id })
          : null,
    };
  }

  /** Last write wins without If-Match; with it, the version check is part of the UPDATE itself. */
  async update(
    principal: Principal,
    id: string,
    dto: UpdateSessionDto,
    ifMatch: IfMatch,
  ): Promise<SessionDto> {
    const statement = updateSessionStatement(
      principal.ownerId,
      id,
      dto,
      ifMatch?.kind === 'versions' ? ifMatch.versions : undefined,
    );
    if (statement === null) {
      throw new EmptyUpdateException();
    }
    const [row] = await this.run<SessionRow>(statement);
    if (row === undefined) {
      const current = await this.currentState(principal, id);
      throw new VersionMismatchException(current.version);
    }
    return toSessionDto(row);
  }

  /** One conditional UPDATE (see changePhaseStatement); a refused move is told from a 404 after. */
  async changePhase(principal: Principal, id: string, dto: ChangePhaseDto): Promise<SessionDto> {
    const [row] = await this.run<SessionRow>(
      changePhaseStatement(principal.ownerId, id, dto.phase),
    );
    if (row === undefined) {
      const current = await this.currentState(principal, id);
      throw new IllegalPhaseTransitionException(
        current.phase,
        dto.phase,
        allowedNextPhases(current.phase),
      );
    }
    return toSessionDto(row);
  }

  /** Its messages go too (ON DELETE CASCADE). */
  async remove(principal: Principal, id: string): Promise<void> {
    const [row] = await this.run<{ id: string }>(deleteSessionStatement(principal.ownerId, id));
    if (row === undefined) {
      throw new SessionNotFoundException(id);
    }
  }

  /**
   * Failure path only, a statement of its own (a fresh snapshot, so it sees what a concurrent
   * winner committed): does the session exist for this owner, and in what state?
   */
  private async currentState(
    principal: Principal,
    id: string,
  ): Promise<{ phase: SessionPhase; version: number }> {
    const [row] = await queryRows<{ phase: SessionPhase; version: number }>(
      this.dataSource.manager,
      'SELECT phase, version FROM sessions WHERE id = $1 AND owner_id = $2',
      [id, principal.ownerId],
    );
    if (row === undefined) {
      throw new SessionNotFoundException(id);
    }
    return row;
  }

  /** A write statement on its own: outside BEGIN/COMMIT it is its own transaction. */
  private run<Row>(statement: SqlStatement): Promise<Row[]> {
    return queryRows<Row>(this.dataSource.manager, statement.sql, statement.parameters);
  }
}

function required<T>(row: T | undefined): T {
  if (row === undefined) {
    throw new Error('INSERT … RETURNING returned no row');
  }
  return row;
}

import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ChangePhaseDto } from './dto/change-phase.dto';
import type { CreateSessionDto } from './dto/create-session.dto';
import type { ListSessionsQuery } from './dto/list-sessions.query';
import type { SessionPageDto } from './dto/session-page.dto';
import type { SessionDto } from './dto/session.dto';
import type { UpdateSessionDto } from './dto/update-session.dto';
import { publishDomainEvent } from './events/domain-event';
import { EmptyUpdateException } from './exceptions/empty-update.exception';
import { IllegalPhaseTransitionException } from './exceptions/illegal-phase-transition.exception';
import { InvalidCursorException } from './exceptions/invalid-cursor.exception';
import { SessionNotFoundException } from './exceptions/session-not-found.exception';
import { VersionMismatchException } from './exceptions/version-mismatch.exception';
import type { IfMatch } from './if-match';
import { decodeSessionCursor, encodeSessionCursor } from './pagination/session-cursor';
import { allowedNextPhases, phasesLeadingTo } from './phase-machine';
import type { Principal } from './principal/principal';
import { SESSION_COLUMNS, type SessionRow, toSessionDto } from './sessions.mapper';
import type { SessionPhase } from './session-phase';
import { queryRows } from './sql/query-rows';

/**
 * Sessions, always scoped to the principal's owner id. Each request is one data statement (plus,
 * for writes, the pg_notify of its event in the same transaction); a second statement runs only
 * on a failure path, to tell 404 from 409/412.
 */
@Injectable()
export class SessionsService {
  constructor(private readonly dataSource: DataSource) {}

  async create(principal: Principal, dto: CreateSessionDto): Promise<SessionDto> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await queryRows<SessionRow>(
        manager,
        `INSERT INTO sessions (title, total_budget, currency, owner_id)
         VALUES ($1, $2, COALESCE($3, 'USD'), $4)
         RETURNING ${SESSION_COLUMNS}`,
        [dto.title, dto.totalBudget ?? null, dto.currency ?? null, principal.ownerId],
      );
      const session = toSessionDto(required(row));
      await publishDomainEvent(manager, {
        type: 'session.created',
        sessionId: session.id,
        ownerId: session.ownerId,
        version: session.version,
      });
      return session;
    });
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
    const assignments: string[] = [];
    const parameters: unknown[] = [id, principal.ownerId];
    const assign = (column: string, value: unknown): void => {
      parameters.push(value);
      assignments.push(`${column} = $${parameters.length}`);
    };
    if (dto.title !== undefined) {
      assign('title', dto.title);
    }
    if (dto.totalBudget !== undefined) {
      assign('total_budget', dto.totalBudget);
    }
    if (dto.currency !== undefined) {
      assign('currency', dto.currency);
    }
    if (assignments.length === 0) {
      throw new EmptyUpdateException();
    }
    let versionCondition = '';
    if (ifMatch?.kind === 'versions') {
      parameters.push(ifMatch.versions);
      versionCondition = ` AND version = ANY($${parameters.length}::int[])`;
    }
    return this.dataSource.transaction(async (manager) => {
      const [row] = await queryRows<SessionRow>(
        manager,
        `UPDATE sessions SET ${assignments.join(', ')}, version = version + 1, updated_at = now()
         WHERE id = $1 AND owner_id = $2${versionCondition}
         RETURNING ${SESSION_COLUMNS}`,
        parameters,
      );
      if (row === undefined) {
        const current = await this.currentState(manager, principal, id);
        throw new VersionMismatchException(current.version);
      }
      const session = toSessionDto(row);
      await publishDomainEvent(manager, {
        type: 'session.updated',
        sessionId: session.id,
        ownerId: session.ownerId,
        version: session.version,
      });
      return session;
    });
  }

  /**
   * One conditional UPDATE: the phase changes only if the row is, at that instant, in a phase the
   * machine allows to lead to the target. The locked sub-select reads the previous phase for the
   * event; concurrent moves serialise on the row lock and the loser gets a 409.
   */
  async changePhase(principal: Principal, id: string, dto: ChangePhaseDto): Promise<SessionDto> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await queryRows<SessionRow & { previous_phase: SessionPhase }>(
        manager,
        `UPDATE sessions AS s SET phase = $3, version = s.version + 1, updated_at = now()
         FROM (SELECT id, phase FROM sessions WHERE id = $1 AND owner_id = $2 FOR UPDATE) AS previous
         WHERE s.id = previous.id AND previous.phase = ANY($4::session_phase[])
         RETURNING ${qualified('s', SESSION_COLUMNS)}, previous.phase AS previous_phase`,
        [id, principal.ownerId, dto.phase, phasesLeadingTo(dto.phase)],
      );
      if (row === undefined) {
        const current = await this.currentState(manager, principal, id);
        throw new IllegalPhaseTransitionException(
          current.phase,
          dto.phase,
          allowedNextPhases(current.phase),
        );
      }
      const session = toSessionDto(row);
      await publishDomainEvent(manager, {
        type: 'session.phase_changed',
        sessionId: session.id,
        ownerId: session.ownerId,
        version: session.version,
        phase: session.phase,
        previousPhase: row.previous_phase,
      });
      return session;
    });
  }

  /** Its messages go too (ON DELETE CASCADE). */
  async remove(principal: Principal, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [row] = await queryRows<{ id: string; version: number }>(
        manager,
        'DELETE FROM sessions WHERE id = $1 AND owner_id = $2 RETURNING id, version',
        [id, principal.ownerId],
      );
      if (row === undefined) {
        throw new SessionNotFoundException(id);
      }
      await publishDomainEvent(manager, {
        type: 'session.deleted',
        sessionId: row.id,
        ownerId: principal.ownerId,
        version: row.version,
      });
    });
  }

  /** Failure path only: does the session exist for this owner, and in what state? */
  private async currentState(
    manager: EntityManager,
    principal: Principal,
    id: string,
  ): Promise<{ phase: SessionPhase; version: number }> {
    const [row] = await queryRows<{ phase: SessionPhase; version: number }>(
      manager,
      'SELECT phase, version FROM sessions WHERE id = $1 AND owner_id = $2',
      [id, principal.ownerId],
    );
    if (row === undefined) {
      throw new SessionNotFoundException(id);
    }
    return row;
  }
}

function qualified(alias: string, columns: string): string {
  return columns
    .split(',')
    .map((column) => `${alias}.${column.trim()}`)
    .join(', ');
}

function required<T>(row: T | undefined): T {
  if (row === undefined) {
    throw new Error('INSERT … RETURNING returned no row');
  }
  return row;
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ChangePhaseDto } from './dto/change-phase.dto';
import type { CreateSessionDto } from './dto/create-session.dto';
import type { ListSessionsQuery } from './dto/list-sessions.query';
import type { SessionPageDto } from './dto/session-page.dto';
import type { SessionDto } from './dto/session.dto';
import type { UpdateSessionDto } from './dto/update-session.dto';
import { EmptyUpdateException } from './exceptions/empty-update.exception';
import { IdempotencyKeyInProgressException } from './exceptions/idempotency-key-in-progress.exception';
import { IllegalPhaseTransitionException } from './exceptions/illegal-phase-transition.exception';
import { InvalidCursorException } from './exceptions/invalid-cursor.exception';
import { SessionNotFoundException } from './exceptions/session-not-found.exception';
import { VersionMismatchException } from './exceptions/version-mismatch.exception';
import { type Idempotent, IdempotentWrites } from './idempotency/idempotent-writes';
import type { IfMatch } from './if-match';
import { decodeSessionCursor, encodeSessionCursor } from './pagination/session-cursor';
import { PaymentsDisabledException } from './exceptions/payments-disabled.exception';
import { PhaseMachine } from './phase-machine';
import type { Principal } from './principal/principal';
import { SessionPhase } from './session-phase';
import { SessionReads } from './session-reads';
import { toSessionDto } from './session.mapper';
import { queryRows, type SqlStatement } from '../database/query-rows';
import {
  changePhaseStatement,
  deleteSessionStatement,
  insertSessionStatement,
  listSessionsStatement,
  sessionStateStatement,
  type SessionStateRow,
  storedSessionStatement,
  updateSessionStatement,
} from './sql/session.sql';

/**
 * Sessions, always scoped to the principal's owner id. Each request is one statement of
 * sql/session.sql.ts, one round trip: a write carries the pg_notify of its event inside it. A
 * second statement runs only on a failure path, to tell 404 from 409/412. Reads of one session
 * that arrive together share their statement (SessionReads).
 */
@Injectable()
export class SessionsService {
  /** Two in flight, as the message writes: the pool (10 by default) stays free for the rest. */
  private readonly reads = new SessionReads((statement) => this.rows(statement), {
    maxInFlight: 2,
    maxBatch: 64,
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotent: IdempotentWrites,
    private readonly phases: PhaseMachine,
  ) {}

  /**
   * With an Idempotency-Key, a retry gets the first request's session back (replayed) instead of
   * a second session; see IdempotentWrites.
   */
  async create(
    principal: Principal,
    dto: CreateSessionDto,
    idempotencyKey?: string,
  ): Promise<Idempotent<SessionDto>> {
    const claim = this.idempotent.claim(principal.ownerId, idempotencyKey, 'session.create', {
      title: dto.title,
      totalBudget: dto.totalBudget ?? null,
      currency: dto.currency ?? null,
    });
    const { row, replayed } = await this.idempotent.run(
      insertSessionStatement(principal.ownerId, dto, claim),
      claim,
      storedSessionStatement,
    );
    if (row === undefined) {
      // Only with a key: it was held by a request that wrote nothing after all, or its answer
      // expired in the instant since the claim. Either way a retry is answered afresh.
      throw new IdempotencyKeyInProgressException();
    }
    return { value: toSessionDto(row), replayed };
  }

  async findOne(principal: Principal, id: string): Promise<SessionDto> {
    const row = await this.reads.read({ ownerId: principal.ownerId, id });
    if (row === undefined) {
      throw new SessionNotFoundException(id);
    }
    return toSessionDto(row);
  }

  /**
   * Newest first by the keyset (created_at, id). A session inserted meanwhile sorts before the
   * cursor, so pages neither repeat nor skip rows. One row more than the page tells whether
   * there is a next one.
   */
  async list(principal: Principal, query: ListSessionsQuery): Promise<SessionPageDto> {
    const before = query.cursor === undefined ? undefined : decodeSessionCursor(query.cursor);
    if (before === null) {
      throw new InvalidCursorException();
    }
    const rows = await this.rows(
      listSessionsStatement(principal.ownerId, {
        phase: query.phase,
        before,
        rows: query.limit + 1,
      }),
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
    const [row] = await this.rows(statement);
    if (row === undefined) {
      const current = await this.currentState(principal, id);
      throw new VersionMismatchException(current.version);
    }
    return toSessionDto(row);
  }

  /**
   * One conditional UPDATE (see changePhaseStatement); a refused move is told from a 404 after.
   * Without payments nothing leads to PAYMENT, so such a move is refused the same way, by name.
   */
  async changePhase(principal: Principal, id: string, dto: ChangePhaseDto): Promise<SessionDto> {
    const from = this.phases.phasesLeadingTo(dto.phase);
    const [row] = await this.rows(changePhaseStatement(principal.ownerId, id, dto.phase, from));
    if (row === undefined) {
      const current = await this.currentState(principal, id);
      const allowed = this.phases.allowedNextPhases(current.phase);
      if (dto.phase === SessionPhase.PAYMENT && !this.phases.paymentsEnabled) {
        throw new PaymentsDisabledException(current.phase, allowed);
      }
      throw new IllegalPhaseTransitionException(current.phase, dto.phase, allowed);
    }
    return toSessionDto(row);
  }

  /**
   * Its messages go too (ON DELETE CASCADE). With If-Match, as for update, the version check is
   * part of the DELETE itself, and a refused one is told from a 404 after; without it, no row can
   * only mean no such session.
   */
  async remove(principal: Principal, id: string, ifMatch: IfMatch): Promise<void> {
    const versions = ifMatch?.kind === 'versions' ? ifMatch.versions : undefined;
    const [row] = await this.rows(deleteSessionStatement(principal.ownerId, id, versions));
    if (row === undefined) {
      if (versions === undefined) {
        throw new SessionNotFoundException(id);
      }
      const current = await this.currentState(principal, id);
      throw new VersionMismatchException(current.version);
    }
  }

  /**
   * Failure path only, a statement of its own (a fresh snapshot, so it sees what a concurrent
   * winner committed): does the session exist for this owner, and in what state?
   */
  private async currentState(principal: Principal, id: string): Promise<SessionStateRow> {
    const [row] = await this.rows(sessionStateStatement(principal.ownerId, id));
    if (row === undefined) {
      throw new SessionNotFoundException(id);
    }
    return row;
  }

  private rows<Row>(statement: SqlStatement<Row>): Promise<Row[]> {
    return queryRows(this.dataSource.manager, statement);
  }
}

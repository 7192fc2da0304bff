import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import { type Principal, SessionsService } from '../../sessions';
import {
  requestCancelStatement,
  runByIdStatement,
  runCountsStatement,
  runningRunStatement,
  sessionRunsStatement,
} from '../sql/run.sql';
import type { ActiveRunDto, RunDto } from './dto/run.dto';
import { toActiveRunDto, toRunDto } from './run.mapper';

const RUNS_LISTED = 50;

/** The runs of a session as its owner sees them: listed, cancelled, and the one streaming now. */
@Injectable()
export class RunsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
  ) {}

  /** The newest runs first; 404 for a session that is not the caller's. */
  async list(principal: Principal, sessionId: string): Promise<RunDto[]> {
    await this.sessions.findOne(principal, sessionId);
    const rows = await queryRows(
      this.dataSource.manager,
      sessionRunsStatement(principal.ownerId, sessionId, RUNS_LISTED),
    );
    return rows.map(toRunDto);
  }

  /**
   * Cancels a queued run at once, or asks a running one to stop (it keeps its text so far as the
   * assistant message, marked cancelled on the run). 409 for a run that has already ended.
   */
  async cancel(principal: Principal, sessionId: string, runId: string): Promise<RunDto> {
    await this.sessions.findOne(principal, sessionId);
    const [changed] = await queryRows(
      this.dataSource.manager,
      requestCancelStatement(principal.ownerId, sessionId, runId),
    );
    if (changed !== undefined) {
      return toRunDto(changed);
    }
    const [existing] = await queryRows(
      this.dataSource.manager,
      runByIdStatement(principal.ownerId, sessionId, runId),
    );
    if (existing === undefined) {
      throw new NotFoundException({ code: 'RUN_NOT_FOUND', message: `run ${runId} not found` });
    }
    throw new ConflictException({
      code: 'RUN_FINISHED',
      message: `run ${runId} has already ended (${existing.status})`,
    });
  }

  /** The reply streaming in this session now, if any (read by the gateway when a client joins). */
  async active(principal: Principal, sessionId: string): Promise<ActiveRunDto | null> {
    const [row] = await queryRows(
      this.dataSource.manager,
      runningRunStatement(principal.ownerId, sessionId),
    );
    return row === undefined ? null : toActiveRunDto(row);
  }

  /** Runs queued and running across every replica. */
  async counts(): Promise<{ queued: number; running: number }> {
    const [row] = await queryRows(this.dataSource.manager, runCountsStatement());
    return { queued: Number(row?.queued ?? 0), running: Number(row?.running ?? 0) };
  }
}

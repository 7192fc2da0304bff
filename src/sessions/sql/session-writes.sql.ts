import type { CreateSessionDto } from '../dto/create-session.dto';
import type { UpdateSessionDto } from '../dto/update-session.dto';
import { phasesLeadingTo } from '../phase-machine';
import type { SessionPhase } from '../session-phase';
import { SESSION_COLUMNS } from '../sessions.mapper';
import { type SqlStatement, WRITTEN, writeWithEventSql } from './write-with-event.sql';

/**
 * The session writes, each one statement that also publishes its event (writeWithEventSql). Every
 * one is scoped to the owner: another owner's session is simply not there.
 */

const SESSION_EVENT_FIELDS = {
  sessionId: `${WRITTEN}.id`,
  ownerId: `${WRITTEN}.owner_id`,
  version: `${WRITTEN}.version`,
};

export function insertSessionStatement(ownerId: string, dto: CreateSessionDto): SqlStatement {
  return {
    sql: writeWithEventSql({
      write: `INSERT INTO sessions (title, total_budget, currency, owner_id)
              VALUES ($1, $2, COALESCE($3, 'USD'), $4)
              RETURNING ${SESSION_COLUMNS}`,
      event: 'session.created',
      fields: SESSION_EVENT_FIELDS,
    }),
    parameters: [dto.title, dto.totalBudget ?? null, dto.currency ?? null, ownerId],
  };
}

/**
 * The fields `changes` carries, bumping the version. With `versions` (If-Match) the version check
 * is part of the UPDATE itself, so no row means "not found or not that version". Null when
 * `changes` carries nothing to update.
 */
export function updateSessionStatement(
  ownerId: string,
  id: string,
  changes: UpdateSessionDto,
  versions?: number[],
): SqlStatement | null {
  const parameters: unknown[] = [id, ownerId];
  const assignments: string[] = [];
  const assign = (column: string, value: unknown): void => {
    parameters.push(value);
    assignments.push(`${column} = $${parameters.length}`);
  };
  if (changes.title !== undefined) {
    assign('title', changes.title);
  }
  if (changes.totalBudget !== undefined) {
    assign('total_budget', changes.totalBudget);
  }
  if (changes.currency !== undefined) {
    assign('currency', changes.currency);
  }
  if (assignments.length === 0) {
    return null;
  }
  let versionCondition = '';
  if (versions !== undefined) {
    parameters.push(versions);
    versionCondition = ` AND version = ANY($${parameters.length}::int[])`;
  }
  return {
    sql: writeWithEventSql({
      write: `UPDATE sessions SET ${assignments.join(', ')}, version = version + 1, updated_at = now()
              WHERE id = $1 AND owner_id = $2${versionCondition}
              RETURNING ${SESSION_COLUMNS}`,
      event: 'session.updated',
      fields: SESSION_EVENT_FIELDS,
    }),
    parameters,
  };
}

/**
 * One conditional UPDATE: the phase changes only if the row is, at that instant, in a phase the
 * machine allows to lead to `to`. The locked sub-select reads the previous phase for the event;
 * concurrent moves serialise on the row lock, and the loser re-reads the winner's phase and
 * matches no row. Rows carry `previous_phase`.
 */
export function changePhaseStatement(ownerId: string, id: string, to: SessionPhase): SqlStatement {
  return {
    sql: writeWithEventSql({
      write: `UPDATE sessions AS s SET phase = $3, version = s.version + 1, updated_at = now()
              FROM (SELECT id, phase FROM sessions WHERE id = $1 AND owner_id = $2 FOR UPDATE) AS previous
              WHERE s.id = previous.id AND previous.phase = ANY($4::session_phase[])
              RETURNING ${qualified('s', SESSION_COLUMNS)}, previous.phase AS previous_phase`,
      event: 'session.phase_changed',
      fields: {
        ...SESSION_EVENT_FIELDS,
        phase: `${WRITTEN}.phase`,
        previousPhase: `${WRITTEN}.previous_phase`,
      },
    }),
    parameters: [id, ownerId, to, phasesLeadingTo(to)],
  };
}

/** Its messages go too (ON DELETE CASCADE). Rows carry id, owner_id, version. */
export function deleteSessionStatement(ownerId: string, id: string): SqlStatement {
  return {
    sql: writeWithEventSql({
      write: `DELETE FROM sessions WHERE id = $1 AND owner_id = $2 RETURNING id, owner_id, version`,
      event: 'session.deleted',
      fields: SESSION_EVENT_FIELDS,
    }),
    parameters: [id, ownerId],
  };
}

function qualified(alias: string, columns: string): string {
  return columns
    .split(',')
    .map((column) => `${alias}.${column.trim()}`)
    .join(', ');
}

import type { CreateSessionDto } from '../dto/create-session.dto';
import type { UpdateSessionDto } from '../dto/update-session.dto';
import type { SessionCursor } from '../pagination/session-cursor';
import type { SessionPhase } from '../session-phase';
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
 * Every statement on `sessions`: one per request on the success path, each scoped to the owner
 * (another owner's session is simply not there). The writes also publish their event in the same
 * statement (writeWithEventSql).
 */

/** What `SESSION_COLUMNS` selects: snake_case, as Postgres and the pg driver give it. */
export interface SessionRow {
  id: string;
  title: string;
  phase: SessionPhase;
  total_budget: string | null;
  currency: string;
  owner_id: string;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export const SESSION_COLUMNS =
  'id, title, phase, total_budget, currency, owner_id, created_at, updated_at, version';

/** What a refused conditional write needs to tell 404 from 409/412. */
export interface SessionStateRow {
  phase: SessionPhase;
  version: number;
}

const SESSION_EVENT_FIELDS = {
  sessionId: `${WRITTEN}.id`,
  ownerId: `${WRITTEN}.owner_id`,
  version: `${WRITTEN}.version`,
};

export function selectSessionStatement(ownerId: string, id: string): SqlStatement<SessionRow> {
  return {
    sql: `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1 AND owner_id = $2`,
    parameters: [id, ownerId],
  };
}

/**
 * Several sessions by (id, owner) in one statement, for reads that arrive together (SessionReads):
 * an index probe of the primary key per pair, the owner still part of the match. Each pair once.
 */
export function selectSessionsStatement(
  keys: ReadonlyArray<{ ownerId: string; id: string }>,
): SqlStatement<SessionRow> {
  return {
    sql: `SELECT ${SESSION_COLUMNS.split(', ')
      .map((column) => `s.${column}`)
      .join(', ')}
       FROM unnest($1::uuid[], $2::uuid[]) AS k(id, owner_id)
       JOIN sessions s ON s.id = k.id AND s.owner_id = k.owner_id`,
    parameters: [keys.map((key) => key.id), keys.map((key) => key.ownerId)],
  };
}

/**
 * At most `rows` sessions, newest first by the keyset (created_at, id), those before `before`
 * only: a backward scan of IDX_sessions_owner[_phase]_created.
 */
export function listSessionsStatement(
  ownerId: string,
  filter: { phase?: SessionPhase; before?: SessionCursor; rows: number },
): SqlStatement<SessionRow> {
  const conditions = ['owner_id = $1'];
  const parameters: unknown[] = [ownerId];
  if (filter.phase !== undefined) {
    parameters.push(filter.phase);
    conditions.push(`phase = $${parameters.length}`);
  }
  if (filter.before !== undefined) {
    parameters.push(filter.before.createdAt, filter.before.id);
    conditions.push(`(created_at, id) < ($${parameters.length - 1}, $${parameters.length})`);
  }
  parameters.push(filter.rows);
  return {
    sql: `SELECT ${SESSION_COLUMNS} FROM sessions WHERE ${conditions.join(' AND ')}
       ORDER BY created_at DESC, id DESC LIMIT $${parameters.length}`,
    parameters,
  };
}

/** The phase and version of the owner's session; no row: no such session for this owner. */
export function sessionStateStatement(ownerId: string, id: string): SqlStatement<SessionStateRow> {
  return {
    sql: 'SELECT phase, version FROM sessions WHERE id = $1 AND owner_id = $2',
    parameters: [id, ownerId],
  };
}

/**
 * With an Idempotency-Key `claim`, the row is inserted only if the key is free, and stored as the
 * key's answer by the same statement (see idempotencyCtes).
 */
export function insertSessionStatement(
  ownerId: string,
  dto: CreateSessionDto,
  claim?: IdempotencyClaim,
): SqlStatement<SessionRow> {
  const parameters: unknown[] = [dto.title, dto.totalBudget ?? null, dto.currency ?? null, ownerId];
  const keyed = claim === undefined ? undefined : idempotencyCtes(claim, parameters);
  return {
    sql: writeWithEventSql({
      ...(keyed === undefined ? {} : { before: { [CLAIM]: keyed.claim } }),
      write: `INSERT INTO sessions (title, total_budget, currency, owner_id)
              ${
                keyed === undefined
                  ? `VALUES ($1, $2, COALESCE($3, 'USD'), $4)`
                  : `SELECT $1::varchar, $2::numeric, COALESCE($3::char(3), 'USD'), $4::uuid
                     FROM ${CLAIM} WHERE ${CLAIM}.fresh`
              }
              RETURNING ${SESSION_COLUMNS}`,
      event: 'session.created',
      fields: SESSION_EVENT_FIELDS,
      ...(keyed === undefined ? {} : { after: { stored: keyed.stored } }),
    }),
    parameters,
  };
}

/** The session a key's earlier request created, as insertSessionStatement returned it. */
export function storedSessionStatement(
  claim: IdempotencyClaim,
): SqlStatement<StoredAnswerRow<SessionRow>> {
  return storedAnswerStatement(claim.ownerId, claim.key, 'sessions', SESSION_COLUMNS);
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
): SqlStatement<SessionRow> | null {
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
 * matches no row. Rows also carry `previous_phase`.
 */
export function changePhaseStatement(
  ownerId: string,
  id: string,
  to: SessionPhase,
  from: readonly SessionPhase[],
): SqlStatement<SessionRow> {
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
    parameters: [id, ownerId, to, from],
  };
}

/**
 * Its messages go too (ON DELETE CASCADE). With `versions` (If-Match) the version check is part of
 * the DELETE itself, as for updateSessionStatement: no row means "not found or not that version".
 */
export function deleteSessionStatement(
  ownerId: string,
  id: string,
  versions?: number[],
): SqlStatement<Pick<SessionRow, 'id' | 'owner_id' | 'version'>> {
  const versionCondition = versions === undefined ? '' : ' AND version = ANY($3::int[])';
  return {
    sql: writeWithEventSql({
      write: `DELETE FROM sessions WHERE id = $1 AND owner_id = $2${versionCondition}
              RETURNING id, owner_id, version`,
      event: 'session.deleted',
      fields: SESSION_EVENT_FIELDS,
    }),
    parameters: versions === undefined ? [id, ownerId] : [id, ownerId, versions],
  };
}

function qualified(alias: string, columns: string): string {
  return columns
    .split(',')
    .map((column) => `${alias}.${column.trim()}`)
    .join(', ');
}

import type { SqlStatement } from '../../database/query-rows';
import { DOMAIN_EVENTS_CHANNEL } from '../../sessions';
import { AGENT_EVENTS_CHANNEL } from '../events/agent-event';
import { RunStatus } from '../runs/run-status';

/**
 * Every statement on `agent_runs`. Each change is one statement that also publishes its event
 * (pg_notify inside it: delivered on commit only). Every write of a running run is fenced by its
 * attempt and status: a statement for an attempt that is no longer the running one changes nothing.
 */

export interface RunRow {
  id: string;
  session_id: string;
  owner_id: string;
  user_message_id: string;
  user_seq: string;
  status: RunStatus;
  attempt: number;
  cancel_requested: boolean;
  partial_text: string;
  assistant_message_id: string | null;
  error_code: string | null;
  error_retryable: boolean | null;
  input_tokens: number | null;
  output_tokens: number | null;
  created_at: Date;
  started_at: Date | null;
  first_token_at: Date | null;
  finished_at: Date | null;
}

const RUN_COLUMNS = `id, session_id, owner_id, user_message_id, user_seq, status, attempt,
  cancel_requested, partial_text, assistant_message_id, error_code, error_retryable, input_tokens,
  output_tokens, created_at, started_at, first_token_at, finished_at`;

/** json_build_object pairs every run event starts with, read from a row named `run`. */
const RUN_REF = `'sessionId', run.session_id, 'ownerId', run.owner_id, 'runId', run.id, 'attempt', run.attempt`;

/**
 * The length of a text column in UTF-16 code units, as a JavaScript client counts (and as every
 * delta's `offset` is given): char_length counts code points, so each one above U+FFFF (a
 * surrogate pair in JavaScript) is counted once more.
 */
function utf16Length(column: string): string {
  return `(char_length(${column}) + char_length(regexp_replace(${column}, '[^\\U00010000-\\U0010FFFF]', '', 'g')))`;
}

function notifyRun(type: string, extra = ''): string {
  return `pg_notify('${AGENT_EVENTS_CHANNEL}', json_build_object('type', '${type}', ${RUN_REF}${extra})::text)`;
}

/**
 * Claims the oldest queued run whose session has nothing running and no older queued run, for
 * `owner` until the lease runs out. SKIP LOCKED lets replicas claim side by side without waiting on
 * each other; the partial unique index on running runs makes a second claim for one session fail
 * rather than run two replies at once.
 *
 * The reply so far (`partial_text`, from earlier attempts) is kept: the new attempt continues it.
 * `run.started` says where (`resumeOffset`). Raising the attempt in this same row update fences
 * every earlier attempt's appends off, and their NOTIFYs were committed before it: no client can
 * hold text past `resumeOffset` that is not stored.
 */
export function claimNextRunStatement(owner: string, leaseMs: number): SqlStatement<RunRow> {
  return {
    sql: `WITH next AS (
        SELECT q.id FROM agent_runs q
        WHERE q.status = 'queued'
          AND NOT EXISTS (SELECT 1 FROM agent_runs r WHERE r.session_id = q.session_id AND r.status = 'running')
          AND NOT EXISTS (SELECT 1 FROM agent_runs e WHERE e.session_id = q.session_id
                          AND e.status = 'queued' AND e.user_seq < q.user_seq)
        ORDER BY q.user_seq
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      ), run AS (
        UPDATE agent_runs r SET status = 'running', attempt = r.attempt + 1, lease_owner = $1,
          lease_expires_at = now() + $2 * interval '1 millisecond',
          started_at = coalesce(r.started_at, now())
        FROM next WHERE r.id = next.id
        RETURNING r.*
      ), notified AS MATERIALIZED (
        SELECT ${notifyRun('run.started', `, 'resumeOffset', ${utf16Length('run.partial_text')}`)} FROM run
      )
      SELECT ${RUN_COLUMNS}, (SELECT count(*) FROM notified) AS notified FROM run`,
    parameters: [owner, leaseMs],
  };
}

/** Appends streamed text to the reply so far and publishes it as a `message.delta`. */
export function appendDeltaStatement(
  runId: string,
  attempt: number,
  offset: number,
  text: string,
  leaseMs: number,
): SqlStatement<{ id: string }> {
  return {
    sql: `WITH run AS (
        UPDATE agent_runs SET partial_text = partial_text || $4,
          first_token_at = coalesce(first_token_at, now()),
          lease_expires_at = now() + $5 * interval '1 millisecond'
        WHERE id = $1 AND attempt = $2 AND status = 'running'
        RETURNING *
      ), notified AS MATERIALIZED (
        SELECT ${notifyRun('message.delta', ", 'offset', $3::int, 'text', $4::text")} FROM run
      )
      SELECT run.id, (SELECT count(*) FROM notified) AS notified FROM run`,
    parameters: [runId, attempt, offset, text, leaseMs],
  };
}

/**
 * Finishes a run with its assistant message, exactly once: the run's status changes only if this
 * attempt is still the running one, and the message is inserted only from that changed row, with
 * the id the run records (unique). The session row is locked before the message's seq is drawn,
 * as for every message, so a session's messages commit in seq order. `status` is `completed`, or
 * `cancelled` for a reply stopped by its user (its text so far is kept as the message).
 */
export function finishWithMessageStatement(
  runId: string,
  attempt: number,
  status: RunStatus.COMPLETED | RunStatus.CANCELLED,
  messageId: string,
  rest: string,
  usage: { inputTokens: number | null; outputTokens: number | null },
): SqlStatement<{ message_id: string; seq: string }> {
  const event =
    status === RunStatus.COMPLETED
      ? notifyRun('run.completed', ", 'messageId', written.id, 'seq', written.seq::text")
      : notifyRun('run.cancelled', ", 'messageId', written.id");
  return {
    sql: `WITH run AS (
        UPDATE agent_runs SET status = $3, partial_text = partial_text || $5, finished_at = now(),
          assistant_message_id = $4, input_tokens = $6, output_tokens = $7,
          lease_owner = NULL, lease_expires_at = NULL
        WHERE id = $1 AND attempt = $2 AND status = 'running'
        RETURNING *
      ), session AS (
        SELECT s.id FROM sessions s JOIN run ON s.id = run.session_id FOR NO KEY UPDATE OF s
      ), written AS (
        INSERT INTO messages (id, session_id, role, content)
        SELECT $4, session.id, 'assistant', left(run.partial_text, 10000) FROM run JOIN session ON true
        RETURNING id, session_id, seq
      ), created AS MATERIALIZED (
        SELECT pg_notify('${DOMAIN_EVENTS_CHANNEL}', json_build_object('type', 'message.created',
          'sessionId', written.session_id, 'ownerId', run.owner_id, 'messageId', written.id,
          'seq', written.seq::text)::text) FROM written JOIN run ON true
      ), finished AS MATERIALIZED (SELECT ${event} FROM run JOIN written ON true)
      SELECT written.id AS message_id, written.seq::text AS seq,
        (SELECT count(*) FROM created) + (SELECT count(*) FROM finished) AS notified
      FROM written`,
    parameters: [runId, attempt, status, messageId, rest, usage.inputTokens, usage.outputTokens],
  };
}

/**
 * Ends a run without a message: `failed` (the provider gave up, or the run outlived its deadline;
 * the text so far stays on the run, never half-stored as a message) or `cancelled` before any text.
 */
export function finishWithoutMessageStatement(
  runId: string,
  attempt: number,
  outcome:
    | { status: RunStatus.FAILED; code: string; retryable: boolean }
    | { status: RunStatus.CANCELLED },
): SqlStatement<{ id: string }> {
  const failed = outcome.status === RunStatus.FAILED;
  const event = failed
    ? notifyRun('run.failed', ", 'code', run.error_code, 'retryable', run.error_retryable")
    : notifyRun('run.cancelled', ", 'messageId', NULL");
  return {
    sql: `WITH run AS (
        UPDATE agent_runs SET status = $3, finished_at = now(), error_code = $4,
          error_retryable = $5, lease_owner = NULL, lease_expires_at = NULL
        WHERE id = $1 AND attempt = $2 AND status = 'running'
        RETURNING *
      ), notified AS MATERIALIZED (SELECT ${event} FROM run)
      SELECT run.id, (SELECT count(*) FROM notified) AS notified FROM run`,
    parameters: [
      runId,
      attempt,
      outcome.status,
      failed ? outcome.code : null,
      failed ? outcome.retryable : null,
    ],
  };
}

/**
 * A user's cancel: a queued run is cancelled at once; a running one is asked to stop (its replica
 * hears `run.cancel_requested`, stops generating and keeps the text so far). Owner-checked through
 * the session; returns the run as changed, or no row when there was nothing to cancel.
 */
export function requestCancelStatement(
  ownerId: string,
  sessionId: string,
  runId: string,
): SqlStatement<RunRow> {
  return {
    sql: `WITH target AS (
        SELECT r.id, r.status FROM agent_runs r JOIN sessions s ON s.id = r.session_id
        WHERE r.id = $3 AND r.session_id = $2 AND s.owner_id = $1
        FOR UPDATE OF r
      ), run AS (
        UPDATE agent_runs r SET
          status = CASE WHEN r.status = 'queued' THEN 'cancelled'::agent_run_status ELSE r.status END,
          finished_at = CASE WHEN r.status = 'queued' THEN now() ELSE r.finished_at END,
          cancel_requested = true
        FROM target WHERE r.id = target.id AND r.status IN ('queued', 'running')
        RETURNING r.*, target.status AS previous_status
      ), notified AS MATERIALIZED (
        SELECT CASE WHEN run.previous_status = 'queued'
          THEN ${notifyRun('run.cancelled', ", 'messageId', NULL")}
          ELSE ${notifyRun('run.cancel_requested')} END FROM run
      )
      SELECT ${RUN_COLUMNS}, (SELECT count(*) FROM notified) AS notified FROM run`,
    parameters: [ownerId, sessionId, runId],
  };
}

/** A session's runs, newest first (the caller has checked the session is the owner's). */
export function sessionRunsStatement(
  ownerId: string,
  sessionId: string,
  limit: number,
): SqlStatement<RunRow> {
  return {
    sql: `SELECT ${RUN_COLUMNS} FROM agent_runs
      WHERE session_id = $1 AND owner_id = $2 ORDER BY created_at DESC, user_seq DESC LIMIT $3`,
    parameters: [sessionId, ownerId, limit],
  };
}

/** One run of this owner's session, if it exists. */
export function runByIdStatement(
  ownerId: string,
  sessionId: string,
  runId: string,
): SqlStatement<RunRow> {
  return {
    sql: `SELECT ${RUN_COLUMNS} FROM agent_runs WHERE id = $3 AND session_id = $1 AND owner_id = $2`,
    parameters: [sessionId, ownerId, runId],
  };
}

/** The run streaming a reply in this session now, if any. */
export function runningRunStatement(ownerId: string, sessionId: string): SqlStatement<RunRow> {
  return {
    sql: `SELECT ${RUN_COLUMNS} FROM agent_runs
      WHERE session_id = $1 AND owner_id = $2 AND status = 'running'`,
    parameters: [sessionId, ownerId],
  };
}

/** How many runs are queued and running across all replicas (for /health/status). */
export function runCountsStatement(): SqlStatement<{ queued: string; running: string }> {
  return {
    sql: `SELECT count(*) FILTER (WHERE status = 'queued') AS queued,
        count(*) FILTER (WHERE status = 'running') AS running
      FROM agent_runs WHERE status IN ('queued', 'running')`,
    parameters: [],
  };
}

/**
 * Hands a running run back to the queue (this replica is shutting down) and tells clients
 * (`run.interrupted`): its next attempt, on whichever replica claims it at once, continues the
 * reply from the text stored so far (`run.started` carries that `resumeOffset`); clients keep
 * what they hold.
 */
export function requeueRunStatement(runId: string, attempt: number): SqlStatement<{ id: string }> {
  return {
    sql: `WITH run AS (
        UPDATE agent_runs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL
        WHERE id = $1 AND attempt = $2 AND status = 'running'
        RETURNING *
      ), interrupted AS MATERIALIZED (SELECT ${notifyRun('run.interrupted')} FROM run),
      notified AS MATERIALIZED (SELECT ${notifyRun('run.queued')} FROM run)
      SELECT run.id, (SELECT count(*) FROM interrupted) + (SELECT count(*) FROM notified) AS notified
      FROM run`,
    parameters: [runId, attempt],
  };
}

/** Whether this attempt is still the running one: the fence of writes made outside these statements. */
export function runIsCurrentStatement(
  runId: string,
  attempt: number,
): SqlStatement<{ id: string }> {
  return {
    sql: `SELECT id FROM agent_runs WHERE id = $1 AND attempt = $2 AND status = 'running'`,
    parameters: [runId, attempt],
  };
}

/** Renews a running run's lease: its replica is alive, even while the model has said nothing yet. */
export function heartbeatStatement(
  runId: string,
  attempt: number,
  leaseMs: number,
): SqlStatement<{ id: string }> {
  return {
    sql: `UPDATE agent_runs SET lease_expires_at = now() + $3 * interval '1 millisecond'
      WHERE id = $1 AND attempt = $2 AND status = 'running' RETURNING id`,
    parameters: [runId, attempt, leaseMs],
  };
}

/**
 * Runs whose lease expired (their replica was killed, froze, or lost the database) go back to the
 * queue, or fail once they have had `maxAttempts` claims: a run never blocks its session forever.
 * The next claim raises the attempt, so the old attempt, if it is still alive, is fenced off.
 */
export function sweepExpiredStatement(maxAttempts: number): SqlStatement<RunRow> {
  const exhausted = 'r.attempt >= $1';
  return {
    sql: `WITH expired AS (
        SELECT id FROM agent_runs WHERE status = 'running' AND lease_expires_at < now()
        FOR UPDATE SKIP LOCKED
      ), run AS (
        UPDATE agent_runs r SET
          status = CASE WHEN ${exhausted} THEN 'failed'::agent_run_status ELSE 'queued'::agent_run_status END,
          error_code = CASE WHEN ${exhausted} THEN 'lease_expired' ELSE r.error_code END,
          error_retryable = CASE WHEN ${exhausted} THEN false ELSE r.error_retryable END,
          finished_at = CASE WHEN ${exhausted} THEN now() ELSE r.finished_at END,
          lease_owner = NULL, lease_expires_at = NULL
        FROM expired WHERE r.id = expired.id
        RETURNING r.*
      ), notified AS MATERIALIZED (
        SELECT CASE WHEN run.status = 'failed'
          THEN ${notifyRun('run.failed', ", 'code', run.error_code, 'retryable', false")}
          ELSE ${notifyRun('run.queued')} END FROM run
      )
      SELECT ${RUN_COLUMNS}, (SELECT count(*) FROM notified) AS notified FROM run`,
    parameters: [maxAttempts],
  };
}

import type { SqlStatement } from '../../database/query-rows';
import { WRITTEN } from './write-with-event.sql';

/** A create request's Idempotency-Key, what it is bound to, and how long its answer is kept. */
export interface IdempotencyClaim {
  ownerId: string;
  key: string;
  fingerprint: string;
  ttlMs: number;
}

/** The CTE a keyed write reads `fresh` from: true when the key has no live answer yet. */
export const CLAIM = 'claim';

/** What a stored answer reads back as: the written row as it was, and what the key is bound to. */
export type StoredAnswerRow<Row> = Row & { fingerprint: string };

/**
 * The two CTEs that make a write idempotent, for writeWithEventSql; their parameters are appended
 * to `parameters`. `claim` (a `before`) calls idempotency_key_claim (migration
 * CreateIdempotencyKeys): it fails with RI409 while another request holds the key, and otherwise
 * says whether the key is free. The write must read `claim` and write nothing unless
 * `claim.fresh`. A CTE calling a volatile function is never folded into the query reading it, so
 * the claim runs once, before the write. `stored` (an `after`) inserts the written row as the
 * key's answer: in the same statement, so the write and its key commit or roll back together.
 */
export function idempotencyCtes(
  claim: IdempotencyClaim,
  parameters: unknown[],
): { claim: string; stored: string } {
  const parameter = (value: unknown): string => {
    parameters.push(value);
    return `$${parameters.length}`;
  };
  const owner = `${parameter(claim.ownerId)}::uuid`;
  const key = `${parameter(claim.key)}::text`;
  const fingerprint = parameter(claim.fingerprint);
  const ttlMs = parameter(claim.ttlMs);
  return {
    claim: `SELECT idempotency_key_claim(${owner}, ${key}) AS fresh`,
    stored: `INSERT INTO idempotency_keys (owner_id, key, fingerprint, response, expires_at)
             SELECT ${owner}, ${key}, ${fingerprint}, to_jsonb(${WRITTEN}),
                    now() + ${ttlMs}::bigint * interval '1 millisecond'
             FROM ${WRITTEN}`,
  };
}

/**
 * The key's stored answer, as rows of `table` with `columns` (those the write returned):
 * jsonb_populate_record turns the stored JSON back into the table's own column types, so the
 * driver hands back the same strings, numbers and Dates the write gave, and the same mapper
 * builds the same body. No row: the key has no answer (any more).
 */
export function storedAnswerStatement<Row>(
  ownerId: string,
  key: string,
  table: 'sessions' | 'messages',
  columns: string,
): SqlStatement<StoredAnswerRow<Row>> {
  const answerColumns = columns
    .split(',')
    .map((column) => `answer.${column.trim()}`)
    .join(', ');
  return {
    sql: `SELECT k.fingerprint, ${answerColumns}
       FROM idempotency_keys k
       CROSS JOIN LATERAL jsonb_populate_record(NULL::${table}, k.response) AS answer
       WHERE k.owner_id = $1 AND k.key = $2`,
    parameters: [ownerId, key],
  };
}

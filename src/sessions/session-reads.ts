import type { SqlStatement } from '../database/query-rows';
import {
  selectSessionStatement,
  selectSessionsStatement,
  type SessionRow,
} from './sql/session.sql';
import { StatementBatcher } from './statement-batcher';

/** Which session, read as whom: a session is found only by its owner. */
export interface SessionKey {
  ownerId: string;
  id: string;
}

export interface SessionReadsOptions {
  /** Statements in flight at most: while they run, the reads that arrive wait and go together. */
  maxInFlight: number;
  /** Reads per statement at most. */
  maxBatch: number;
}

/**
 * Reads of one session each, coalesced when they arrive together: under load most of a simple
 * GET's cost is the round trip itself (a pool checkout, a query written and read back, on both
 * sides of the socket), so concurrent reads share one statement (selectSessionsStatement),
 * grouped by the same StatementBatcher as the message writes. No cache: every read sees the
 * database as it is when its statement runs, never an earlier answer.
 */
export class SessionReads {
  private readonly batcher: StatementBatcher<SessionKey, SessionRow>;

  constructor(
    private readonly rows: <Row>(statement: SqlStatement<Row>) => Promise<Row[]>,
    options: SessionReadsOptions,
  ) {
    this.batcher = new StatementBatcher<SessionKey, SessionRow>({
      one: async (key) => (await this.rows(selectSessionStatement(key.ownerId, key.id)))[0],
      many: (keys) => this.readAll(keys),
      ...options,
    });
  }

  read(key: SessionKey): Promise<SessionRow | undefined> {
    return this.batcher.submit(key);
  }

  /** Each (owner, id) pair is sent once, however many reads asked for it. */
  private async readAll(keys: readonly SessionKey[]): Promise<Array<SessionRow | undefined>> {
    const unique = new Map(keys.map((key) => [keyOf(key), key]));
    const found = new Map(
      (await this.rows(selectSessionsStatement([...unique.values()]))).map((row) => [
        keyOf({ ownerId: row.owner_id, id: row.id }),
        row,
      ]),
    );
    return keys.map((key) => found.get(keyOf(key)));
  }
}

/** Postgres reads a uuid in either case and answers in lower case. */
const keyOf = (key: SessionKey): string => `${key.ownerId}/${key.id}`.toLowerCase();

import DataLoader from 'dataloader';
import type { SqlStatement } from '../database/query-rows';
import {
  selectSessionStatement,
  selectSessionsStatement,
  type SessionRow,
} from './sql/session.sql';

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
 * sides of the socket), so concurrent reads share one statement (selectSessionsStatement). A read
 * waits at most one turn of the event loop alone; while `maxInFlight` statements run, the reads
 * that arrive queue in DataLoader's open batch and go out together when a slot frees. No cache:
 * every read sees the database as it is when its statement runs, never an earlier answer.
 */
export class SessionReads {
  private readonly loader: DataLoader<SessionKey, SessionRow | undefined, string>;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly rows: <Row>(statement: SqlStatement<Row>) => Promise<Row[]>,
    options: SessionReadsOptions,
  ) {
    this.loader = new DataLoader((keys) => this.readAll(keys), {
      cache: false,
      maxBatchSize: options.maxBatch,
      batchScheduleFn: (dispatch) => this.schedule(dispatch, options.maxInFlight),
    });
  }

  read(key: SessionKey): Promise<SessionRow | undefined> {
    return this.loader.load(key);
  }

  private schedule(dispatch: () => void, maxInFlight: number): void {
    if (this.inFlight < maxInFlight) {
      this.inFlight += 1;
      // One turn: reads whose requests were parsed in the same turn go together.
      setImmediate(dispatch);
    } else {
      this.waiting.push(dispatch);
    }
  }

  /** A finished statement hands its slot to the oldest waiting batch. */
  private release(): void {
    const next = this.waiting.shift();
    if (next === undefined) {
      this.inFlight -= 1;
    } else {
      next();
    }
  }

  private async readAll(keys: readonly SessionKey[]): Promise<Array<SessionRow | undefined>> {
    try {
      if (keys.length === 1) {
        const key = keys[0] as SessionKey;
        const [row] = await this.rows(selectSessionStatement(key.ownerId, key.id));
        return [row];
      }
      const unique = new Map(keys.map((key) => [keyOf(key), key]));
      const found = new Map(
        (await this.rows(selectSessionsStatement([...unique.values()]))).map((row) => [
          keyOf({ ownerId: row.owner_id, id: row.id }),
          row,
        ]),
      );
      return keys.map((key) => found.get(keyOf(key)));
    } finally {
      this.release();
    }
  }
}

/** Postgres reads a uuid in either case and answers in lower case. */
const keyOf = (key: SessionKey): string => `${key.ownerId}/${key.id}`.toLowerCase();

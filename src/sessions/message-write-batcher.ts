/** What a group commit needs: a statement for one write, one for several, and their limits. */
export interface GroupCommit<Write, Row> {
  /** One write alone, as before batching: its own statement and its own error. */
  one(write: Write): Promise<Row | undefined>;
  /** Several writes in one statement; the rows in the writes' order (undefined: none written). */
  many(writes: readonly Write[]): Promise<Array<Row | undefined>>;
  /** Writes per statement at most. */
  maxBatch: number;
  /** Statements in flight at most: while they run, new writes queue and go out together. */
  maxInFlight: number;
}

interface Pending<Write, Row> {
  write: Write;
  resolve(row: Row | undefined): void;
  reject(error: unknown): void;
}

/**
 * Group commit for concurrent writes: a write waits at most one turn of the event loop alone;
 * while `maxInFlight` statements run, the writes that arrive queue up and are committed together
 * in one statement (one transaction, one WAL flush, one notify-queue turn) when a slot frees. Each
 * caller is still answered only from its own statement's result, so after the commit.
 *
 * A statement Postgres refused (an error with a SQLSTATE, e.g. the multitask trigger's 409 for one
 * session) committed nothing: its writes are retried one by one, so each gets its own answer and
 * one refused write never fails its neighbours. Any other error (a lost connection) may have come
 * after the commit: retrying could write twice, so every write of that statement gets the error.
 */
export class MessageWriteBatcher<Write, Row> {
  private queue: Array<Pending<Write, Row>> = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly commit: GroupCommit<Write, Row>) {}

  write(write: Write): Promise<Row | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.commit.maxInFlight || this.queue.length === 0) {
      return;
    }
    this.scheduled = true;
    // One turn of the event loop: writes whose requests were parsed in the same turn go together.
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.commit.maxInFlight && this.queue.length > 0) {
        const batch = this.queue.splice(0, this.commit.maxBatch);
        this.inFlight += 1;
        void this.run(batch).finally(() => {
          this.inFlight -= 1;
          this.schedule();
        });
      }
    });
  }

  private async run(batch: Array<Pending<Write, Row>>): Promise<void> {
    if (batch.length === 1) {
      return this.alone(batch[0] as Pending<Write, Row>);
    }
    let rows: Array<Row | undefined>;
    try {
      rows = await this.commit.many(batch.map((pending) => pending.write));
    } catch (error) {
      if (refusedBeforeCommit(error)) {
        await Promise.all(batch.map((pending) => this.alone(pending)));
      } else {
        batch.forEach((pending) => pending.reject(error));
      }
      return;
    }
    batch.forEach((pending, index) => pending.resolve(rows[index]));
  }

  private async alone(pending: Pending<Write, Row>): Promise<void> {
    try {
      pending.resolve(await this.commit.one(pending.write));
    } catch (error) {
      pending.reject(error);
    }
  }
}

/**
 * Postgres answered the statement with an error: outside BEGIN/COMMIT it rolled back. Class 08
 * (connection) and 57P (the server going away) say nothing of whether the commit happened.
 */
function refusedBeforeCommit(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return (
    typeof code === 'string' &&
    /^[0-9A-Z]{5}$/.test(code) &&
    !code.startsWith('08') &&
    !code.startsWith('57P')
  );
}

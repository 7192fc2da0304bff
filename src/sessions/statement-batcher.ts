/** What grouping needs: a statement for one item, one for several, and their limits. */
export interface BatchedStatements<Item, Row> {
  /** One item alone, as without batching: its own statement and its own error. */
  one(item: Item): Promise<Row | undefined>;
  /** Several items in one statement; the rows in the items' order (undefined: none). */
  many(items: readonly Item[]): Promise<Array<Row | undefined>>;
  /** Items per statement at most. */
  maxBatch: number;
  /** Statements in flight at most: while they run, new items queue and go out together. */
  maxInFlight: number;
}

interface Pending<Item, Row> {
  item: Item;
  resolve(row: Row | undefined): void;
  reject(error: unknown): void;
}

/**
 * Concurrent statements of one kind, grouped: an item waits at most one turn of the event loop
 * alone; while `maxInFlight` statements run, the items that arrive queue up and go out together in
 * one statement when a slot frees. Each caller is still answered only from its own statement's
 * result. Message writes use it for group commit (one transaction, one WAL flush, one notify-queue
 * turn for many posts, so each 201 still follows its commit); reads of one session to share one
 * round trip (SessionReads).
 *
 * A statement Postgres refused (an error with a SQLSTATE, e.g. the multitask trigger's 409 for one
 * session) did nothing: its items are retried one by one, so each gets its own answer and one
 * refused item never fails its neighbours. Any other error (a lost connection) may have come after
 * a commit: retrying could write twice, so every item of that statement gets the error.
 */
export class StatementBatcher<Item, Row> {
  private queue: Array<Pending<Item, Row>> = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly statements: BatchedStatements<Item, Row>) {}

  /** Resolves with the item's own row (undefined: none) once its statement has run. */
  submit(item: Item): Promise<Row | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.statements.maxInFlight || this.queue.length === 0) {
      return;
    }
    this.scheduled = true;
    // One turn of the event loop: items whose requests were parsed in the same turn go together.
    setImmediate(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  /** Fills the free slots. A slot freed by a statement goes at once to the items that waited. */
  private dispatch(): void {
    while (this.inFlight < this.statements.maxInFlight && this.queue.length > 0) {
      void this.run(this.queue.splice(0, this.statements.maxBatch));
    }
  }

  /**
   * The slot is freed as soon as the statement has answered, before its callers are: answering
   * them (serialising and writing their responses) would otherwise keep the next statement from
   * Postgres for as long.
   */
  private async run(batch: Array<Pending<Item, Row>>): Promise<void> {
    this.inFlight += 1;
    let answer: () => void;
    try {
      answer = await this.outcome(batch);
    } finally {
      this.inFlight -= 1;
      this.dispatch();
    }
    answer();
  }

  /** Runs the batch's statement(s); returns what tells each caller its own result. */
  private async outcome(batch: Array<Pending<Item, Row>>): Promise<() => void> {
    if (batch.length > 1) {
      try {
        const rows = await this.statements.many(batch.map((pending) => pending.item));
        return () => batch.forEach((pending, index) => pending.resolve(rows[index]));
      } catch (error) {
        if (!refusedBeforeCommit(error)) {
          return () => batch.forEach((pending) => pending.reject(error));
        }
      }
    }
    const outcomes = await Promise.allSettled(
      batch.map((pending) => this.statements.one(pending.item)),
    );
    return () =>
      outcomes.forEach((outcome, index) => {
        const pending = batch[index] as Pending<Item, Row>;
        if (outcome.status === 'fulfilled') {
          pending.resolve(outcome.value);
        } else {
          pending.reject(outcome.reason);
        }
      });
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

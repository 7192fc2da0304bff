/**
 * Events held back while a client is being caught up from the database; release() hands them
 * over in order and lets later ones pass straight through.
 */
export class HeldEvents<T> {
  private held: T[] = [];
  private deliver: ((event: T) => void) | undefined;

  push(event: T): void {
    if (this.deliver) {
      this.deliver(event);
    } else {
      this.held.push(event);
    }
  }

  release(deliver: (event: T) => void): void {
    // Events pushed while the held ones are handed over queue behind them, never ahead.
    while (this.held.length > 0) {
      const batch = this.held;
      this.held = [];
      batch.forEach((event) => deliver(event));
    }
    this.deliver = deliver;
  }
}

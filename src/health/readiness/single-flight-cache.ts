/**
 * Holds the last result of an expensive check for `ttlMs` and shares one in-flight computation
 * among every caller that arrives while it runs. Kubernetes, the load balancer and a curious
 * operator may all probe at once: a burst of probes must not become a burst of database pings.
 */
export class SingleFlightCache<T> {
  private value: { result: T; at: number } | undefined;
  private pending: Promise<T> | undefined;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(compute: () => Promise<T>): Promise<T> {
    if (this.value !== undefined && this.now() - this.value.at < this.ttlMs) {
      return Promise.resolve(this.value.result);
    }
    if (this.pending === undefined) {
      this.pending = compute()
        .then((result) => {
          this.value = { result, at: this.now() };
          return result;
        })
        .finally(() => {
          this.pending = undefined;
        });
    }
    return this.pending;
  }

  /** Forget the stored result (the next caller computes afresh). */
  invalidate(): void {
    this.value = undefined;
  }
}

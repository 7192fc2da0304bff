/**
 * The abort signal of one request attempt: it fires when the caller aborts, or when nothing has
 * arrived for `idleTimeoutMs` (re-armed on every chunk), and remembers which of the two it was.
 * The SDK's own `httpOptions.timeout` aborts without saying why, so a timeout and a cancel would
 * look the same; this keeps them apart.
 */
export class AttemptSignal {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private readonly onCallerAbort = (): void => this.controller.abort(this.caller.reason);

  constructor(
    private readonly caller: AbortSignal,
    private readonly idleTimeoutMs: number,
  ) {
    if (caller.aborted) {
      this.controller.abort(caller.reason);
    } else {
      caller.addEventListener('abort', this.onCallerAbort, { once: true });
    }
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True when this attempt was stopped by the idle deadline rather than by the caller. */
  get expired(): boolean {
    return this.timedOut && !this.caller.aborted;
  }

  /** Progress was made: restart the idle deadline. */
  touch(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    if (this.idleTimeoutMs > 0 && !this.controller.signal.aborted) {
      this.timer = setTimeout(() => {
        this.timedOut = true;
        this.controller.abort(new Error(`no response for ${this.idleTimeoutMs} ms`));
      }, this.idleTimeoutMs);
      this.timer.unref();
    }
  }

  /** Stop the clock while the consumer, not the server, is the one we wait for. */
  hold(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /**
   * Ends the attempt. Aborting is what releases the connection when the consumer stops reading
   * early: the SDK's stream only releases its reader, it does not cancel the body.
   */
  dispose(): void {
    this.hold();
    this.caller.removeEventListener('abort', this.onCallerAbort);
    if (!this.controller.signal.aborted) {
      this.controller.abort(new Error('attempt finished'));
    }
  }
}

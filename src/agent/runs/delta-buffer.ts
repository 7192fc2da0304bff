/**
 * Coalesces a reply's slices into one write every `intervalMs`, never one NOTIFY per token: every
 * NOTIFY serialises on a global lock at commit, and a payload may not exceed 8000 bytes, so a
 * flush longer than `maxChars` goes out as several deltas. Writes happen one after the other, in
 * order; `offset` is where each delta starts in the reply, which may go on from `startAt` (the
 * text an earlier attempt already wrote).
 */
export class DeltaBuffer {
  private pending = '';
  private flushed: number;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  constructor(
    private readonly write: (offset: number, text: string) => Promise<void>,
    private readonly intervalMs: number,
    private readonly maxChars = 1000,
    startAt = 0,
  ) {
    this.flushed = startAt;
  }

  /** The reply's length so far, flushed or not (what drain() returns no longer counts). */
  get length(): number {
    return this.flushed + this.pending.length;
  }

  append(text: string): void {
    this.pending += text;
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Stops the timer and returns what was never written; waits for the writes under way. */
  async drain(): Promise<string> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
    if (this.failure !== undefined) {
      throw this.failure;
    }
    const rest = this.pending;
    this.pending = '';
    return rest;
  }

  /** Writes what is pending now, and waits until every write is done. */
  async flushAll(): Promise<void> {
    clearTimeout(this.timer);
    this.flush();
    await this.drain();
  }

  private flush(): void {
    this.timer = undefined;
    const text = this.pending;
    this.pending = '';
    for (let start = 0; start < text.length;) {
      let end = Math.min(text.length, start + this.maxChars);
      // Never split a surrogate pair: half of one cannot be stored as text.
      if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) {
        end -= 1;
      }
      const slice = text.slice(start, end);
      start = end;
      const offset = this.flushed;
      this.flushed += slice.length;
      this.chain = this.chain.then(() =>
        this.failure === undefined
          ? this.write(offset, slice).catch((error: unknown) => {
              this.failure = error instanceof Error ? error : new Error('delta write failed');
            })
          : undefined,
      );
    }
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** A bounded wait ran out. `ms` is the bound that was exceeded. */
export class TimeoutError extends Error {
  constructor(
    readonly ms: number,
    what = 'operation',
  ) {
    super(`${what} timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * The one way this codebase races a promise against a timer: settles as `work` does, or rejects
 * with a TimeoutError after `ms`. `work` may be a function, so a synchronous throw becomes a
 * rejection too. The timer is cleared either way (a leftover timer would hold an app.close()'d
 * test process open), and it is not unref'd: a guard that lets the process exit from under it
 * cannot fire when something hangs. A promise cannot be cancelled: work that times out keeps
 * running, but nothing waits for it any more.
 */
export async function withTimeout<T>(
  work: PromiseLike<T> | (() => PromiseLike<T> | T),
  ms: number,
  what?: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(ms, what)), Math.max(0, ms));
  });
  try {
    const running =
      typeof work === 'function' ? Promise.resolve().then(work) : Promise.resolve(work);
    return await Promise.race([running, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for `work` at most `ms`: true if it settled in time, false if the bound ran out first. */
export async function settlesWithin(work: PromiseLike<unknown>, ms: number): Promise<boolean> {
  try {
    await withTimeout(work, ms);
    return true;
  } catch (error) {
    if (error instanceof TimeoutError) {
      return false;
    }
    throw error;
  }
}

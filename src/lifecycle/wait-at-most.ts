/**
 * Waits for `promise` or `ms`, whichever comes first; true if the promise won. The timer is
 * cleared either way: a leftover 10 s timer would hold an app.close()'d test process open, and
 * it is not unref'd because a shutdown guard must hold the process until it fires.
 */
export async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves when `done()` turns true (checked on each `changed` callback and every `pollMs`), or
 * when the deadline passes. Resolves with whether `done()` held.
 */
export function waitUntil(done: () => boolean, deadlineMs: number, pollMs = 25): Promise<boolean> {
  if (done()) {
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    const started = Date.now();
    // Not unref'd: this timer guards the shutdown and must keep the process alive until it fires.
    const timer = setInterval(() => {
      if (done()) {
        clearInterval(timer);
        resolve(true);
      } else if (Date.now() - started >= deadlineMs) {
        clearInterval(timer);
        resolve(false);
      }
    }, pollMs);
  });
}

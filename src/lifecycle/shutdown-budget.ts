/**
 * The worst case of a shutdown is the sum of its bounded phases. If that sum does not fit inside
 * the global deadline, the deadline fires first and a shutdown that would have been clean ends in
 * exit 1 (or, on Kubernetes, in SIGKILL at terminationGracePeriodSeconds). So the sum is checked
 * twice at boot — in the configuration step with one step per stage
 * (startup/shutdown-budget-check.ts), and again once the real steps have registered — and startup
 * fails naming the numbers. The long-lived drain and the HTTP drain run side by side, so the sum
 * counts the shorter of the two once too often: a margin on the safe side, which keeps the check a
 * plain sum an operator can redo by hand.
 */
export interface ShutdownBudget {
  drainDelayMs: number;
  longLivedTimeoutMs: number;
  /** Bounds the HTTP drain as a whole (in-flight requests, then the sockets they leave). */
  requestTimeoutMs: number;
  stepTimeoutsMs: readonly number[];
  timeoutMs: number;
}

export function worstCaseShutdownMs(budget: ShutdownBudget): number {
  return (
    budget.drainDelayMs +
    budget.longLivedTimeoutMs +
    budget.requestTimeoutMs +
    budget.stepTimeoutsMs.reduce((sum, ms) => sum + ms, 0)
  );
}

/** Undefined when the phases fit inside the deadline; otherwise a message naming every number. */
export function shutdownBudgetProblem(budget: ShutdownBudget): string | undefined {
  const worst = worstCaseShutdownMs(budget);
  if (worst <= budget.timeoutMs) {
    return undefined;
  }
  const steps = budget.stepTimeoutsMs;
  return (
    `SHUTDOWN_TIMEOUT_MS: ${budget.timeoutMs} ms cannot hold the worst-case shutdown of ${worst} ms ` +
    `(SHUTDOWN_DRAIN_DELAY_MS ${budget.drainDelayMs} + SHUTDOWN_LONG_LIVED_TIMEOUT_MS ${budget.longLivedTimeoutMs} ` +
    `+ SHUTDOWN_REQUEST_TIMEOUT_MS ${budget.requestTimeoutMs} + ${steps.length} cleanup step(s) ` +
    `[${steps.join(' + ')}] ms); raise SHUTDOWN_TIMEOUT_MS or lower the others`
  );
}

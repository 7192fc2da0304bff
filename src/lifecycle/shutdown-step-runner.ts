import type { ShutdownStep } from './shutdown-steps';

/** One cleanup step's result, as it appears in the shutdown summary line. */
export interface StepOutcome {
  name: string;
  ms: number;
  ok: boolean;
  /** Why it failed: the error message, or "timed out after N ms". */
  error?: string;
}

/**
 * Runs cleanup steps one after the other, each bounded by its own timeout and each with its own
 * error handling, so a failing or hanging step (a frozen database, a stuck flush) never stops the
 * next one. A step that times out keeps running in the background — a promise cannot be cancelled —
 * but nothing waits for it any more; the process exit ends it.
 */
export async function runShutdownSteps(
  steps: readonly ShutdownStep[],
  defaultTimeoutMs: number,
  onOutcome: (outcome: StepOutcome) => void = () => undefined,
): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  for (const step of steps) {
    const outcome = await runOneStep(step, step.timeoutMs ?? defaultTimeoutMs);
    onOutcome(outcome);
    outcomes.push(outcome);
  }
  return outcomes;
}

async function runOneStep(step: ShutdownStep, timeoutMs: number): Promise<StepOutcome> {
  const started = Date.now();
  // Not unref'd: a guard that lets the process drift out from under it guards nothing.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    // The step may throw synchronously as well: Promise.resolve().then() turns that into a rejection.
    await Promise.race([Promise.resolve().then(() => step.run()), timeout]);
    return { name: step.name, ms: Date.now() - started, ok: true };
  } catch (error) {
    return {
      name: step.name,
      ms: Date.now() - started,
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}

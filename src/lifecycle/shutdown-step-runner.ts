import { TimeoutError, withTimeout } from '../common/async/with-timeout';
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
  try {
    await withTimeout(() => step.run(), timeoutMs);
    return { name: step.name, ms: Date.now() - started, ok: true };
  } catch (error) {
    // A timed-out step lasted its whole bound by the timer's clock. Node's timers count from the
    // event loop's cached time, so the wall clock can read a millisecond or two short of it.
    const ms = Date.now() - started;
    return {
      name: step.name,
      ms: error instanceof TimeoutError ? Math.max(ms, timeoutMs) : ms,
      ok: false,
      error: failureOf(error),
    };
  }
}

/** The summary line names the step already, so a timeout reads "timed out after N ms". */
function failureOf(error: unknown): string {
  if (error instanceof TimeoutError) {
    return `timed out after ${error.ms} ms`;
  }
  return error instanceof Error ? error.message : String(error);
}

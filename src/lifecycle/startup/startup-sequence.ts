import { withTimeout } from '../../common/async/with-timeout';
import type { BootLogger } from './boot-logger';

export interface StartupStepTiming {
  step: string;
  ms: number;
}

/** Thrown (and printed as the one fatal line) when a step outlives STARTUP_TIMEOUT_MS. */
export class StartupDeadlineError extends Error {
  constructor(step: string, deadlineMs: number) {
    super(
      `startup step "${step}" did not finish within STARTUP_TIMEOUT_MS=${deadlineMs} — giving up`,
    );
    this.name = 'StartupDeadlineError';
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * The boot steps in their fixed order (configuration → database → migrations → environment checks
 * → application → listen), each logged with its duration, all under one overall deadline counted
 * from construction that names the step that hung. The process takes no traffic until the last
 * step is done.
 */
export class StartupSequence {
  private readonly startedAt = Date.now();
  private readonly timings: StartupStepTiming[] = [];

  constructor(
    private readonly log: BootLogger,
    private readonly deadlineMs: number,
  ) {}

  async step<T>(name: string, run: () => Promise<T> | T): Promise<T> {
    const started = Date.now();
    const remainingMs = this.startedAt + this.deadlineMs - started;
    // The step's own outcome travels as a value, so the one rejection here is the deadline's.
    const settled = await withTimeout(
      Promise.resolve()
        .then(run)
        .then(
          (value): Settled<T> => ({ ok: true, value }),
          (error: unknown): Settled<T> => ({ ok: false, error }),
        ),
      remainingMs,
    ).catch(() => {
      throw new StartupDeadlineError(name, this.deadlineMs);
    });
    if (!settled.ok) {
      throw settled.error;
    }
    const ms = Date.now() - started;
    this.timings.push({ step: name, ms });
    this.log.info({ step: name, ms }, `startup step ${name} done in ${ms} ms`);
    return settled.value;
  }

  /** The timings so far; call once the service is READY. */
  finish(): { totalMs: number; steps: StartupStepTiming[] } {
    return { totalMs: Date.now() - this.startedAt, steps: [...this.timings] };
  }
}

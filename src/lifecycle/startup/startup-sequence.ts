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

/**
 * The boot steps in their fixed order (configuration → database → migrations → environment checks
 * → application → listen), each logged with its duration, all under one overall deadline that
 * names the step that hung. The process takes no traffic until the last step is done.
 */
export class StartupSequence {
  private readonly startedAt = Date.now();
  private readonly timings: StartupStepTiming[] = [];
  private current = 'starting';
  private deadline: { promise: Promise<never>; timer: NodeJS.Timeout } | undefined;

  constructor(private readonly log: BootLogger) {}

  /** Starts the overall deadline; it is deliberately not unref'd — it must fire if a step hangs. */
  armDeadline(deadlineMs: number): void {
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StartupDeadlineError(this.current, deadlineMs)),
        deadlineMs,
      );
    });
    promise.catch(() => undefined);
    this.deadline = timer ? { promise, timer } : undefined;
  }

  async step<T>(name: string, run: () => Promise<T> | T): Promise<T> {
    this.current = name;
    const started = Date.now();
    const result = this.deadline ? await Promise.race([run(), this.deadline.promise]) : await run();
    const ms = Date.now() - started;
    this.timings.push({ step: name, ms });
    this.log.info({ step: name, ms }, `startup step ${name} done in ${ms} ms`);
    return result;
  }

  /** Stops the deadline and returns the timings; call once the service is READY. */
  finish(): { totalMs: number; steps: StartupStepTiming[] } {
    clearTimeout(this.deadline?.timer);
    this.deadline = undefined;
    return { totalMs: Date.now() - this.startedAt, steps: [...this.timings] };
  }
}

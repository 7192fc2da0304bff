import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ShutdownSteps } from './shutdown-steps';
import { LifecycleState } from './lifecycle-state';

const DEFAULT_STEP_TIMEOUT_MS = 5000;

export interface StepOutcome {
  name: string;
  ms: number;
  ok: boolean;
}

/**
 * Runs the registered cleanup steps in their fixed order after Nest has closed the HTTP server.
 * Each step has its own timeout and its own error handling: one failing or hanging step never
 * stops the next.
 */
@Injectable()
export class ShutdownSequence implements OnApplicationShutdown {
  private readonly logger = new Logger(ShutdownSequence.name);
  private outcomes: StepOutcome[] = [];

  constructor(
    private readonly steps: ShutdownSteps,
    private readonly state: LifecycleState,
  ) {}

  get results(): readonly StepOutcome[] {
    return this.outcomes;
  }

  async onApplicationShutdown(): Promise<void> {
    this.state.markDraining();
    const outcomes: StepOutcome[] = [];
    for (const step of this.steps.ordered()) {
      outcomes.push(
        await this.runStep(step.name, step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS, () => step.run()),
      );
    }
    this.outcomes = outcomes;
    this.state.markStopped();
  }

  private async runStep(
    name: string,
    timeoutMs: number,
    run: () => Promise<void>,
  ): Promise<StepOutcome> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([run(), timeout]);
      const ms = Date.now() - started;
      this.logger.log(`shutdown step "${name}" done in ${ms} ms`);
      return { name, ms, ok: true };
    } catch (error) {
      const ms = Date.now() - started;
      this.logger.error(
        `shutdown step "${name}" failed after ${ms} ms: ${error instanceof Error ? error.message : String(error)}`,
      );
      return { name, ms, ok: false };
    } finally {
      clearTimeout(timer);
    }
  }
}

import { Injectable } from '@nestjs/common';

/**
 * The fixed order of cleanup after the last response: pending writes are flushed while the pool
 * is still open, LISTEN stops before the pool closes, logs flush last so they record everything.
 */
export enum ShutdownStage {
  FLUSH_WRITES = 100,
  STOP_LISTEN = 200,
  CLOSE_DATABASE = 300,
  FLUSH_LOGS = 400,
}

export interface ShutdownStep {
  /** Shown in logs and in the shutdown summary. */
  name: string;
  stage: ShutdownStage;
  /** Overrides the default per-step timeout. */
  timeoutMs?: number;
  run(): Promise<void>;
}

/**
 * The registry cleanup providers put their step into (from their constructor or onModuleInit), so
 * that one runner executes them in a fixed order with a timeout each, rather than Nest running
 * every OnApplicationShutdown hook of a module at once in Promise.all.
 */
@Injectable()
export class ShutdownSteps {
  private readonly steps: ShutdownStep[] = [];

  register(step: ShutdownStep): void {
    if (this.steps.some((existing) => existing.name === step.name)) {
      throw new Error(`shutdown step "${step.name}" is registered twice`);
    }
    this.steps.push(step);
  }

  /** Steps by stage; within a stage, in registration order. */
  ordered(): readonly ShutdownStep[] {
    return [...this.steps].sort((a, b) => a.stage - b.stage);
  }
}

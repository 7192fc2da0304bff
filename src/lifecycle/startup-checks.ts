import { Injectable } from '@nestjs/common';

/** One check a feature needs to pass before the instance takes traffic (e.g. the model's key). */
export interface StartupCheck {
  /** The startup step's name in the logs and in a failure's one line. */
  name: string;
  run(): Promise<void>;
}

/**
 * Where features put the checks they need at startup (from their constructor), so the bootstrap
 * runs them as timed steps after the application is created and before it listens, under the
 * same deadline as every other step, without knowing any feature.
 */
@Injectable()
export class StartupChecks {
  private readonly checks: StartupCheck[] = [];

  register(check: StartupCheck): void {
    this.checks.push(check);
  }

  all(): readonly StartupCheck[] {
    return this.checks;
  }
}

import type { AppConfig } from '../../config/app-config';
import { ConfigValidationError } from '../../config/load-env';
import { shutdownBudgetProblem } from '../shutdown-budget';
import { ShutdownStage } from '../shutdown-steps';

const CLEANUP_STAGES = Object.values(ShutdownStage).filter((stage) => typeof stage === 'number');

/**
 * Startup's check that the shutdown bounds fit SHUTDOWN_TIMEOUT_MS, before anything starts: one
 * cleanup step per stage at the default step timeout (ShutdownSequence re-checks the steps that
 * really registered). Fails like any other configuration problem.
 */
export function checkShutdownBudget(shutdown: AppConfig['shutdown']): void {
  const problem = shutdownBudgetProblem({
    ...shutdown,
    stepTimeoutsMs: CLEANUP_STAGES.map(() => shutdown.stepTimeoutMs),
  });
  if (problem !== undefined) {
    throw new ConfigValidationError([problem]);
  }
}

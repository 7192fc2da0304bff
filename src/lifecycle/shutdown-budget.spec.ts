import { shutdownSection } from '../config/app-config';
import { ConfigValidationError, loadEnv } from '../config/load-env';
import { shutdownBudgetProblem } from './shutdown-budget';
import { checkShutdownBudget } from './startup/shutdown-budget-check';

/** What startup's configuration step refuses. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    checkShutdownBudget(shutdownSection(loadEnv(env)));
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      return error.problems;
    }
    throw error;
  }
}

describe('shutdown budget', () => {
  it('should fit the defaults, on Kubernetes too (drain delay 5000)', () => {
    expect(shutdownSection(loadEnv({}))).toEqual({
      drainDelayMs: 0,
      longLivedTimeoutMs: 2000,
      requestTimeoutMs: 10000,
      idleSocketGraceMs: 500,
      stepTimeoutMs: 2000,
      timeoutMs: 30000,
    });
    expect(shutdownSection(loadEnv({ KUBERNETES_SERVICE_HOST: '10.0.0.1' })).drainDelayMs).toBe(
      5000,
    );
  });

  it('should fail startup naming every number when the phases outgrow the deadline', () => {
    const problems = problemsOf({
      SHUTDOWN_REQUEST_TIMEOUT_MS: '20000',
      SHUTDOWN_DRAIN_DELAY_MS: '1000',
      SHUTDOWN_TIMEOUT_MS: '25000',
    });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toBe(
      'SHUTDOWN_TIMEOUT_MS: 25000 ms cannot hold the worst-case shutdown of 31000 ms ' +
        '(SHUTDOWN_DRAIN_DELAY_MS 1000 + SHUTDOWN_LONG_LIVED_TIMEOUT_MS 2000 + SHUTDOWN_REQUEST_TIMEOUT_MS 20000 ' +
        '+ 4 cleanup step(s) [2000 + 2000 + 2000 + 2000] ms); raise SHUTDOWN_TIMEOUT_MS or lower the others',
    );
  });

  it('should accept a sum exactly at the deadline and refuse one millisecond more', () => {
    const budget = {
      drainDelayMs: 1,
      longLivedTimeoutMs: 1,
      requestTimeoutMs: 1,
      stepTimeoutsMs: [1, 1],
      timeoutMs: 5,
    };
    expect(shutdownBudgetProblem(budget)).toBeUndefined();
    expect(shutdownBudgetProblem({ ...budget, timeoutMs: 4 })).toMatch(/cannot hold .* 5 ms/);
  });
});

import { ServiceUnavailableException } from '@nestjs/common';
import type { HealthCheckResult, HealthIndicatorResult } from '@nestjs/terminus';

/** One check as listed in the 503's `details`. */
export type CheckDetail = { check: string } & HealthIndicatorResult[string];

/**
 * 503 in the error envelope (like every non-2xx answer): the message names the failing checks,
 * `details` lists every check with its status, so an operator sees at once what is missing.
 */
export class NotReadyException extends ServiceUnavailableException {
  readonly failing: string[];

  constructor(result: HealthCheckResult) {
    const failing = Object.keys(result.error ?? {});
    const reason = failing.length > 0 ? failing.join(', ') : result.status;
    const details: CheckDetail[] = Object.entries(result.details).map(([check, outcome]) => ({
      check,
      ...outcome,
    }));
    super({ message: `Not ready: ${reason}`, code: 'NOT_READY', details });
    this.failing = failing;
  }
}

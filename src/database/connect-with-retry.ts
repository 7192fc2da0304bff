import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { describePostgresError } from '../common/errors/postgres-errors';
import { describeDatabaseUrl } from './data-source-options';

/** Thrown when the database cannot be reached within the deadline; startup prints it as one line. */
export class DatabaseUnavailableError extends Error {
  constructor(target: string, cause: string, attempts: number) {
    super(`cannot connect to ${target}: ${cause} (${attempts} attempt(s))`);
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * Initialise the DataSource with capped exponential backoff until `deadlineMs` has passed: a total
 * bound, unlike @nestjs/typeorm's default of 9 attempts 3 s apart. Errors no retry can cure (bad
 * password, missing database) fail at once.
 */
export async function connectWithRetry(
  dataSource: DataSource,
  url: string,
  deadlineMs: number,
  onRetry: (attempt: number, cause: string, delayMs: number) => void,
): Promise<void> {
  const giveUpAt = Date.now() + deadlineMs;
  let delayMs = 100;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await dataSource.initialize();
      return;
    } catch (error) {
      const { kind, cause } = describePostgresError(error);
      const retryable = kind !== 'refused';
      const remaining = giveUpAt - Date.now();
      if (!retryable || remaining <= 0) {
        throw new DatabaseUnavailableError(
          describeDatabaseUrl(url),
          retryable ? `${cause}; gave up after DB_CONNECT_TIMEOUT_MS=${deadlineMs}` : cause,
          attempt,
        );
      }
      const wait = Math.min(delayMs, remaining);
      onRetry(attempt, cause, wait);
      await sleep(wait);
      delayMs = Math.min(delayMs * 2, 2000);
    }
  }
}

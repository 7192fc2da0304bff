import type { DataSource } from 'typeorm';
import { describeDatabaseUrl } from './data-source-options';

/** Thrown when the database cannot be reached within the deadline; main.ts prints it as one line. */
export class DatabaseUnavailableError extends Error {
  constructor(target: string, cause: string, attempts: number) {
    super(`cannot connect to ${target}: ${cause} (${attempts} attempt(s))`);
    this.name = 'DatabaseUnavailableError';
  }
}

interface PgError {
  code?: string;
  message?: string;
}

/** Postgres and socket error codes a person can act on; anything else keeps its own message. */
export function describeConnectionError(error: unknown): { cause: string; retryable: boolean } {
  const { code, message } = (error ?? {}) as PgError;
  switch (code ?? '') {
    case 'ECONNREFUSED':
      return {
        cause: 'connection refused (is Postgres running on that host and port?)',
        retryable: true,
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { cause: 'host name not found', retryable: true };
    case 'ETIMEDOUT':
      return { cause: 'connection timed out', retryable: true };
    case '28P01':
    case '28000':
      return {
        cause: `authentication failed (${message ?? 'check user and password'})`,
        retryable: false,
      };
    case '3D000':
      return { cause: `database missing (${message ?? 'create it first'})`, retryable: false };
    case '57P03':
      return { cause: 'the database system is starting up', retryable: true };
    default:
      return { cause: message ?? String(error), retryable: true };
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
      const { cause, retryable } = describeConnectionError(error);
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
      await new Promise((resolve) => setTimeout(resolve, wait));
      delayMs = Math.min(delayMs * 2, 2000);
    }
  }
}

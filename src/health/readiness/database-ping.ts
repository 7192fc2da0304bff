import { TimeoutError, withTimeout } from '../../common/async/with-timeout';
import { describePostgresError } from '../../common/errors/postgres-errors';

export type PingResult = { up: true; latencyMs: number } | { up: false; message: string };

/**
 * `SELECT 1` with a deadline. When Postgres hangs (a network partition rather than a refused
 * connection) the pool's own connect timeout is longer than a probe may take, so the answer is
 * "down" after `timeoutMs` even though the query is still pending. While it is pending no second
 * query is sent: a stuck database must not collect one waiting ping per probe.
 */
export class DatabasePing {
  private outstanding: Promise<unknown> | undefined;

  constructor(
    private readonly query: () => Promise<unknown>,
    private readonly timeoutMs: number,
  ) {}

  async ping(): Promise<PingResult> {
    const started = Date.now();
    const attempt = (this.outstanding ??= this.query().finally(() => {
      this.outstanding = undefined;
    }));
    try {
      await withTimeout(attempt, this.timeoutMs);
      return { up: true, latencyMs: Date.now() - started };
    } catch (error) {
      if (error instanceof TimeoutError) {
        return { up: false, message: `no answer within ${this.timeoutMs} ms` };
      }
      return { up: false, message: describePostgresError(error).cause };
    }
  }
}

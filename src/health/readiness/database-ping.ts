import { describeConnectionError } from '../../database/connect-with-retry';

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
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
    });
    try {
      const outcome = await Promise.race([attempt, deadline]);
      if (outcome === 'timeout') {
        return { up: false, message: `no answer within ${this.timeoutMs} ms` };
      }
      return { up: true, latencyMs: Date.now() - started };
    } catch (error) {
      return { up: false, message: describeConnectionError(error).cause };
    } finally {
      clearTimeout(timer);
    }
  }
}

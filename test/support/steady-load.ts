import { Agent, request as httpRequest } from 'node:http';

/**
 * Clients of a load balancer during a deploy: `workers` loops on one keep-alive Agent, each sending
 * its next request as soon as the last one is answered, and never stopping on a failure (a user
 * of the service does not stop either; every failure is counted). Unlike KeepAliveLoad, which
 * watches one server drain, this keeps going across restarts behind the balancer.
 */
export interface SteadyRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

export interface SteadyRecord {
  method: string;
  path: string;
  startedAt: number;
  endedAt: number;
  status?: number;
  body?: string;
  /** Set when no complete response arrived: the error code (ECONNRESET, timeout, ...). */
  error?: string;
}

export interface SteadyLoadOptions {
  port: number;
  workers: number;
  requestTimeoutMs?: number;
  next(worker: number, sequence: number): SteadyRequest;
}

/**
 * The rolling-restart mix: reads of the session and message POSTs in turn, so both idempotent and
 * non-idempotent requests cross every restart. Shared by the test and bench:rolling.
 */
export function readAndMessageRequests(
  sessionId: string,
  label: string,
): SteadyLoadOptions['next'] {
  return (worker, sequence) =>
    sequence % 2 === 0
      ? { method: 'GET', path: `/api/sessions/${sessionId}` }
      : {
          method: 'POST',
          path: `/api/sessions/${sessionId}/messages`,
          body: { content: `${label} ${worker}/${sequence}` },
        };
}

export class SteadyLoad {
  readonly records: SteadyRecord[] = [];
  private stopping = false;
  private readonly agent: Agent;
  private readonly done: Promise<void>;

  private constructor(private readonly options: SteadyLoadOptions) {
    this.agent = new Agent({ keepAlive: true, maxSockets: options.workers });
    this.done = Promise.all(
      Array.from({ length: options.workers }, (_, worker) => this.work(worker)),
    ).then(() => this.agent.destroy());
  }

  static start(options: SteadyLoadOptions): SteadyLoad {
    return new SteadyLoad(options);
  }

  /** Records that are not a 2xx response. */
  get failures(): SteadyRecord[] {
    return this.records.filter(
      (record) => record.status === undefined || record.status < 200 || record.status >= 300,
    );
  }

  /** Records whose response arrived inside [from, to]. */
  answeredBetween(from: number, to: number): SteadyRecord[] {
    return this.records.filter(
      (record) => record.status !== undefined && record.endedAt >= from && record.endedAt <= to,
    );
  }

  stop(): Promise<void> {
    this.stopping = true;
    return this.done;
  }

  private async work(worker: number): Promise<void> {
    for (let sequence = 0; !this.stopping; sequence += 1) {
      this.records.push(await this.send(this.options.next(worker, sequence)));
    }
  }

  private send(spec: SteadyRequest): Promise<SteadyRecord> {
    return new Promise((resolve) => {
      const record: SteadyRecord = {
        method: spec.method,
        path: spec.path,
        startedAt: Date.now(),
        endedAt: 0,
      };
      let settled = false;
      const settle = (error?: string): void => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          Object.assign(record, { endedAt: Date.now(), error });
          resolve(record);
        }
      };
      const body = spec.body === undefined ? undefined : Buffer.from(JSON.stringify(spec.body));
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: this.options.port,
          method: spec.method,
          path: spec.path,
          agent: this.agent,
          headers: body
            ? { 'content-type': 'application/json', 'content-length': body.length }
            : undefined,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            record.status = res.statusCode;
            record.body = Buffer.concat(chunks).toString('utf8');
            settle();
          });
          res.on('aborted', () => settle('aborted'));
          res.on('error', (error: NodeJS.ErrnoException) => settle(error.code ?? 'aborted'));
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => settle(error.code ?? error.message));
      const timer = setTimeout(() => {
        settle('timeout');
        req.destroy();
      }, this.options.requestTimeoutMs ?? 15_000);
      req.end(body);
    });
  }
}

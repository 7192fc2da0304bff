import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request as httpRequest } from 'node:http';

/**
 * A real load client for drain tests and the drain benchmark (one module, shared by both):
 * `connections` workers on one keep-alive Agent, each sending its next request as soon as the last
 * one finished, so at any instant some sockets are busy, some are between two requests, and the
 * trickled POST bodies keep requests mid-flight. Every request is recorded with what the client
 * saw: whether it was written on an established connection, and its outcome.
 *
 * A worker stops when its connection fails. By default it also stops when the server tells it to
 * (`Connection: close`), as a client behind a load balancer does (it is sent to another replica);
 * with `reconnect` it carries on over a fresh connection, as a client talking to this instance
 * directly does, until the connection is refused.
 */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  /** Sent as JSON, in three slices spread over `trickleMs`. */
  body?: unknown;
}

export type Outcome =
  | 'response'
  /** ECONNREFUSED: the listener was closed; the request was never written. Not lost. */
  | 'refused'
  | 'reset'
  | 'hangup'
  /** The response started but its body never completed. */
  | 'aborted'
  | 'timeout'
  | 'error';

export interface RequestRecord {
  worker: number;
  method: string;
  path: string;
  startedAt: number;
  endedAt: number;
  /** The request went out on a connected socket (new or reused), so the server could have read it. */
  established: boolean;
  reusedSocket: boolean;
  outcome: Outcome;
  status?: number;
  /** The response's Connection header. */
  connection?: string;
  body?: string;
  errorCode?: string;
}

export interface KeepAliveLoadOptions {
  port: number;
  host?: string;
  connections?: number;
  trickleMs?: number;
  /** Per-request bound, so a hang shows up as 'timeout' rather than a stuck test. */
  requestTimeoutMs?: number;
  /** After `Connection: close`, go on over a new connection (until refused) instead of stopping. */
  reconnect?: boolean;
  next(worker: number, sequence: number): LoadRequest;
}

/**
 * Every other request a cheap GET, the rest message POSTs whose trickled bodies keep requests
 * mid-flight at the signal. Shared by the drain test and the drain bench.
 */
export function healthAndMessageRequests(
  sessionId: string,
  label: string,
): KeepAliveLoadOptions['next'] {
  return (worker, sequence) =>
    (worker + sequence) % 2 === 0
      ? { method: 'GET', path: '/health/live' }
      : {
          method: 'POST',
          path: `/api/sessions/${sessionId}/messages`,
          body: { content: `${label} ${worker}/${sequence}` },
        };
}

export class KeepAliveLoad {
  readonly records: RequestRecord[] = [];
  private stopping = false;
  private readonly agent: Agent;
  private readonly done: Promise<void>;

  private constructor(private readonly options: KeepAliveLoadOptions) {
    const connections = options.connections ?? 32;
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
    this.done = Promise.all(
      Array.from({ length: connections }, (_, worker) => this.work(worker)),
    ).then(() => this.agent.destroy());
  }

  static start(options: KeepAliveLoadOptions): KeepAliveLoad {
    return new KeepAliveLoad(options);
  }

  /** Responses received so far. */
  get responses(): number {
    return this.records.filter((record) => record.outcome === 'response').length;
  }

  /** Resolves once `count` responses are in, so a signal lands with requests in flight. */
  async untilResponses(count: number, timeoutMs = 15_000): Promise<void> {
    const giveUpAt = Date.now() + timeoutMs;
    while (this.responses < count) {
      if (Date.now() > giveUpAt) {
        throw new Error(`only ${this.responses} of ${count} responses within ${timeoutMs} ms`);
      }
      await sleep(20);
    }
  }

  /** Stop starting requests; resolves when every worker has finished its last one. */
  stop(): Promise<void> {
    this.stopping = true;
    return this.done;
  }

  /** Resolves when every worker has stopped by itself (told to close, or refused). */
  finished(): Promise<void> {
    return this.done;
  }

  private async work(worker: number): Promise<void> {
    for (let sequence = 0; !this.stopping; sequence += 1) {
      const record = await this.send(worker, this.options.next(worker, sequence));
      this.records.push(record);
      const toldToClose = record.connection === 'close' && this.options.reconnect !== true;
      if (record.outcome !== 'response' || toldToClose) {
        return;
      }
    }
  }

  private send(worker: number, spec: LoadRequest): Promise<RequestRecord> {
    const trickleMs = this.options.trickleMs ?? 300;
    return new Promise((resolve) => {
      const record: RequestRecord = {
        worker,
        method: spec.method,
        path: spec.path,
        startedAt: Date.now(),
        endedAt: 0,
        established: false,
        reusedSocket: false,
        outcome: 'error',
      };
      let settled = false;
      const timers: NodeJS.Timeout[] = [];
      const settle = (outcome: Outcome, errorCode?: string): void => {
        if (settled) {
          return;
        }
        settled = true;
        timers.forEach(clearTimeout);
        Object.assign(record, { outcome, errorCode, endedAt: Date.now() });
        resolve(record);
      };
      const body = spec.body === undefined ? undefined : Buffer.from(JSON.stringify(spec.body));
      const req = httpRequest({
        host: this.options.host ?? '127.0.0.1',
        port: this.options.port,
        method: spec.method,
        path: spec.path,
        agent: this.agent,
        headers: body
          ? { 'content-type': 'application/json', 'content-length': body.length }
          : undefined,
      });
      req.on('socket', (socket) => {
        record.reusedSocket = req.reusedSocket;
        if (socket.connecting) {
          socket.once('connect', () => (record.established = true));
        } else {
          record.established = true;
        }
      });
      req.on('response', (res) => {
        record.status = res.statusCode;
        record.connection = res.headers.connection;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          record.body = Buffer.concat(chunks).toString('utf8');
          settle('response');
        });
        res.on('aborted', () => settle('aborted'));
        res.on('error', () => settle('aborted'));
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED') {
          settle('refused', error.code);
        } else if (error.message === 'socket hang up') {
          settle('hangup', error.code);
        } else if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
          settle('reset', error.code);
        } else {
          settle('error', error.code ?? error.message);
        }
      });
      timers.push(
        setTimeout(() => {
          settle('timeout');
          req.destroy();
        }, this.options.requestTimeoutMs ?? 30_000),
      );
      if (body === undefined) {
        req.end();
        return;
      }
      // Three slices: the request is mid-flight (headers read, body not) for trickleMs.
      const third = Math.ceil(body.length / 3);
      req.write(body.subarray(0, third));
      timers.push(setTimeout(() => req.write(body.subarray(third, 2 * third)), trickleMs / 2));
      timers.push(setTimeout(() => req.end(body.subarray(2 * third)), trickleMs));
    });
  }
}

export interface LoadVerdict {
  total: number;
  /** Written on an established connection and never answered: must be empty. */
  lost: RequestRecord[];
  completed: number;
  refused: number;
  /** Started after the server logged the start of the drain, answered without `Connection: close`. */
  keptAliveAfterDrain: RequestRecord[];
  /** Answered after the drain started (any start time). */
  answeredAfterDrain: number;
}

/** `drainStartedAt`: the `time` of the server's "shutdown started" line (same machine, same clock). */
export function judgeLoad(records: readonly RequestRecord[], drainStartedAt: number): LoadVerdict {
  const answered = records.filter((record) => record.outcome === 'response');
  return {
    total: records.length,
    lost: records.filter(
      (record) =>
        record.established && record.outcome !== 'response' && record.outcome !== 'refused',
    ),
    completed: answered.length,
    refused: records.filter((record) => record.outcome === 'refused').length,
    keptAliveAfterDrain: answered.filter(
      (record) => record.startedAt > drainStartedAt && record.connection !== 'close',
    ),
    answeredAfterDrain: answered.filter((record) => record.endedAt > drainStartedAt).length,
  };
}

/** One JSON request on its own connection (no agent), so it leaves no idle keep-alive socket. */
export function requestJson(
  port: number,
  method: 'GET' | 'POST',
  path: string,
  payload?: unknown,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const body = payload === undefined ? undefined : Buffer.from(JSON.stringify(payload));
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: body
          ? { 'content-type': 'application/json', 'content-length': body.length }
          : undefined,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          // A load balancer's own error page (HAProxy's 503 with no server up) is HTML: kept as
          // text, so the caller counts the status instead of the process dying in this handler.
          const json = String(res.headers['content-type']).includes('json');
          resolve({
            status: res.statusCode ?? 0,
            body: text === '' ? undefined : json ? JSON.parse(text) : text,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

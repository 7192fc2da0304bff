import { request as httpRequest } from 'node:http';

export interface FuzzRequest {
  method: string;
  /** Path and query, already percent-encoded: sent as they are. */
  path: string;
  headers: Record<string, string>;
  /** Sent as these exact bytes (no Content-Type is added). */
  body?: Buffer;
}

export interface FuzzResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** Long enough for a loaded 2-core machine, short enough that a hang fails the property. */
const EXCHANGE_TIMEOUT_MS = 10_000;

/**
 * One request through node:http with the exact path, headers and body bytes given: no encoding,
 * no JSON serialisation, no added headers besides Host and Content-Length. An event stream is
 * closed as soon as its head arrives (its status and headers are what the fuzz checks).
 */
export function exchange(baseUrl: string, fuzz: FuzzRequest): Promise<FuzzResponse> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method: fuzz.method,
        path: fuzz.path,
        headers: {
          ...fuzz.headers,
          ...(fuzz.body === undefined ? {} : { 'Content-Length': String(fuzz.body.length) }),
        },
        agent: false,
        timeout: EXCHANGE_TIMEOUT_MS,
      },
      (res) => {
        const head = { status: res.statusCode ?? 0, headers: res.headers };
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          res.destroy();
          req.destroy();
          resolve({ ...head, text: '', json: undefined });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ ...head, text, json: parseJson(text) });
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer within ${EXCHANGE_TIMEOUT_MS} ms (a hang)`)),
    );
    req.on('error', reject);
    req.end(fuzz.body);
  });
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The request as one line for a failure report (long values cut). */
export function describeRequest(fuzz: FuzzRequest): string {
  const cut = (text: string): string =>
    text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
  const headers = Object.entries(fuzz.headers)
    .map(([name, value]) => `${name}: ${cut(JSON.stringify(value))}`)
    .join('; ');
  const body =
    fuzz.body === undefined ? '' : ` body ${cut(JSON.stringify(fuzz.body.toString('latin1')))}`;
  return `${fuzz.method} ${cut(fuzz.path)} [${headers}]${body}`;
}

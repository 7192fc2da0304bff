import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';

/** One request and the answer the server gave, as the server wrote it. */
export interface HttpExchange {
  method: string;
  /** Path and query, as requested. */
  url: string;
  /** A CORS preflight (OPTIONS with Access-Control-Request-Method). */
  preflight: boolean;
  status: number;
  headers: OutgoingHttpHeaders;
  body: string;
  /** False when the body was cut short (client gone, stream ended by a drain) or not kept. */
  bodyComplete: boolean;
}

/** Bodies past this size are not kept (an event stream can run for a whole suite). */
const BODY_LIMIT_BYTES = 1_048_576;

type Write = ServerResponse['write'];
type End = ServerResponse['end'];

const toBuffer = (chunk: unknown): Buffer | undefined =>
  typeof chunk === 'string'
    ? Buffer.from(chunk)
    : chunk instanceof Uint8Array
      ? Buffer.from(chunk)
      : undefined;

/** Keeps the bytes `res` writes, up to BODY_LIMIT_BYTES, without changing what it sends. */
function captureBody(res: ServerResponse): () => { body: string; complete: boolean } {
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  const keep = (chunk: unknown): void => {
    const buffer = toBuffer(chunk);
    if (buffer === undefined || overflow) {
      return;
    }
    size += buffer.length;
    overflow = size > BODY_LIMIT_BYTES;
    if (!overflow) {
      chunks.push(buffer);
    }
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((...args: unknown[]) => {
    keep(args[0]);
    return write(...args);
  }) as Write;
  res.end = ((...args: unknown[]) => {
    if (typeof args[0] !== 'function') {
      keep(args[0]);
    }
    return end(...args);
  }) as End;
  return () => ({
    body: Buffer.concat(chunks).toString('utf8'),
    complete: !overflow && res.writableFinished,
  });
}

/** Headers given to writeHead() directly never show in getHeaders(): keep them too. */
function captureWriteHeadHeaders(res: ServerResponse): OutgoingHttpHeaders {
  const given: OutgoingHttpHeaders = {};
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = (...args: unknown[]) => {
    const headers = args.find((arg) => typeof arg === 'object' && arg !== null);
    if (headers !== undefined && !Array.isArray(headers)) {
      for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
        given[name.toLowerCase()] = value;
      }
    }
    return writeHead(...args);
  };
  return given;
}

/**
 * Records every exchange `server` answers, whichever client sent it (supertest, fetch, an
 * EventSource): the listener is prepended, so it wraps the response before Express or the
 * socket.io engine sees the request. An exchange is handed to `onExchange` when its response
 * closes; a request the client abandoned before any answer is not one.
 */
export function recordHttpExchanges(server: Server, onExchange: (exchange: HttpExchange) => void) {
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const body = captureBody(res);
    const writeHeadHeaders = captureWriteHeadHeaders(res);
    res.once('close', () => {
      if (!res.headersSent) {
        return;
      }
      const { body: text, complete } = body();
      onExchange({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        preflight:
          req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined,
        status: res.statusCode,
        headers: { ...writeHeadHeaders, ...res.getHeaders() },
        body: text,
        bodyComplete: complete,
      });
    });
  });
}

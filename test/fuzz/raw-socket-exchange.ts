import { connect } from 'node:net';
import { parseJson } from './http-exchange';

export interface RawAnswer {
  /** Undefined when the server closed the connection without a response. */
  status?: number;
  head: string;
  body: string;
  json: unknown;
}

const RAW_TIMEOUT_MS = 10_000;

/**
 * Writes `bytes` as they are on a fresh TCP connection and reads whatever comes back until the
 * server closes it (the request says `Connection: close`; a refused one is closed anyway): the way
 * to put bytes on the wire that no HTTP client would send (broken framing, bad header bytes,
 * conflicting lengths). The connection is not half-closed first: Node would abort the request.
 */
export function rawExchange(port: number, bytes: Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connection still open ${RAW_TIMEOUT_MS} ms after the request (a hang)`));
    }, RAW_TIMEOUT_MS);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset after the server refused the request is an answer too: what it sent is kept.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseRaw(Buffer.concat(chunks).toString('latin1')));
    });
  });
}

function parseRaw(raw: string): RawAnswer {
  // Interim answers (100 Continue) come first, each a head of its own.
  const text = raw.replace(/^(HTTP\/1\.[01] 1\d\d[^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '');
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) {
    return { head: text, body: '', json: undefined };
  }
  const head = text.slice(0, split);
  let body = text.slice(split + 4);
  if (/^transfer-encoding:\s*chunked/im.test(head)) {
    body = dechunk(body);
  }
  const utf8 = Buffer.from(body, 'latin1').toString('utf8');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
  return {
    ...(status === undefined ? {} : { status: Number(status) }),
    head,
    body: utf8,
    json: parseJson(utf8),
  };
}

function dechunk(text: string): string {
  let rest = text;
  let out = '';
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (lineEnd < 0 || !Number.isFinite(size) || size === 0) {
      return out;
    }
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

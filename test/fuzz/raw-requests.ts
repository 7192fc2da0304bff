import fc from 'fast-check';
import { invalidUtf8Body, percentEncode, rawJsonText } from './arbitraries';

/**
 * Whole HTTP/1.1 requests as bytes, for the raw TCP fuzz: well-formed requests carrying junk
 * bytes where Node lets them through (path, header values, body), and malformed framing that
 * Node's parser must refuse. Every request asks for `Connection: close`, so the server ends the
 * connection after its answer and each exchange is one request.
 */

const CRLF = '\r\n';

const target = fc.oneof(
  fc.constantFrom(
    '/api/sessions',
    '/api/sessions/00000000-0000-4000-8000-000000000000',
    '/api/sessions/00000000-0000-4000-8000-000000000000/messages',
    '/api/sessions/00000000-0000-4000-8000-000000000000/phase',
    '/api/sessions/00000000-0000-4000-8000-000000000000/events',
    '/health/live',
    '/metrics',
    '*',
    'http://127.0.0.1/api/sessions',
  ),
  // Raw bytes above 0x7F in the path (Node's parser is lenient there), and encoded ones.
  fc
    .uint8Array({ minLength: 1, maxLength: 12 })
    .map((bytes) => `/api/sessions/${Buffer.from(bytes).toString('latin1')}`),
  fc.string({ maxLength: 30 }).map((text) => `/api/sessions/${percentEncode(text)}`),
);

const method = fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS');

/** A header line as bytes: Latin-1 values Node accepts, and some it must refuse. */
const headerLine = fc.oneof(
  fc.constantFrom(
    'Content-Type: application/json',
    'Content-Type: text/plain',
    'Content-Type: application/json; charset=utf-16le',
    'If-Match: "1"',
    'If-Match: W/"1"',
    'Last-Event-ID: 18446744073709551616',
    'Authorization: Bearer \u00ff\u00fe',
    'Content-Encoding: gzip',
    'Expect: 100-continue',
    'Expect: nonsense',
    'X-Request-Id: \u00e9t\u00e9',
  ),
  fc
    .uint8Array({ maxLength: 20 })
    .map(
      (bytes) =>
        `X-Junk: ${Buffer.from(bytes.filter((b) => b >= 0x20 && b !== 0x7f)).toString('latin1')}`,
    ),
);

/** Framing that Node's parser refuses before the app sees anything. */
const brokenHead = fc.constantFrom(
  `GET /api/sessions HTTP/1.1${CRLF}Host: x${CRLF}X-Bad: a\u0000b${CRLF}Connection: close${CRLF}${CRLF}`,
  `GET /api/sessions HTTP/1.1${CRLF}Host: x${CRLF}X-Bad: a\rb${CRLF}Connection: close${CRLF}${CRLF}`,
  `GET /api/sessions HTTP/1.1${CRLF}Host: x${CRLF}Bad Name: a${CRLF}Connection: close${CRLF}${CRLF}`,
  `G@T /api/sessions HTTP/1.1${CRLF}Host: x${CRLF}Connection: close${CRLF}${CRLF}`,
  `GET /api/sessions HTTP/9.9${CRLF}Host: x${CRLF}Connection: close${CRLF}${CRLF}`,
  `GET /api/ses sions HTTP/1.1${CRLF}Host: x${CRLF}Connection: close${CRLF}${CRLF}`,
  `GET${CRLF}${CRLF}`,
  `POST /api/sessions HTTP/1.1${CRLF}Host: x${CRLF}Content-Length: 2${CRLF}Content-Length: 3${CRLF}Connection: close${CRLF}${CRLF}{}`,
  `POST /api/sessions HTTP/1.1${CRLF}Host: x${CRLF}Content-Length: 2${CRLF}Transfer-Encoding: chunked${CRLF}Connection: close${CRLF}${CRLF}0${CRLF}${CRLF}`,
  `POST /api/sessions HTTP/1.1${CRLF}Host: x${CRLF}Transfer-Encoding: chunked${CRLF}Connection: close${CRLF}${CRLF}zz${CRLF}{}${CRLF}0${CRLF}${CRLF}`,
  `POST /api/sessions HTTP/1.1${CRLF}Host: x${CRLF}Content-Length: -1${CRLF}Connection: close${CRLF}${CRLF}`,
  `POST /api/sessions HTTP/1.1${CRLF}Host: x${CRLF}Content-Length: 1e3${CRLF}Connection: close${CRLF}${CRLF}`,
  `GET /api/sessions HTTP/1.1${CRLF}Host: x${CRLF} folded: header${CRLF}Connection: close${CRLF}${CRLF}`,
  `GET /api/sessions HTTP/1.1${CRLF}Host: x${CRLF}X-Big: ${'h'.repeat(20_000)}${CRLF}Connection: close${CRLF}${CRLF}`,
  `GET /api/sessions?${'q'.repeat(20_000)} HTTP/1.1${CRLF}Host: x${CRLF}Connection: close${CRLF}${CRLF}`,
);

/** A complete request: head, optional headers, an exact Content-Length and body bytes. */
const wellFramed = fc
  .tuple(
    method,
    target,
    fc.array(headerLine, { maxLength: 4 }),
    fc.option(
      fc.oneof(
        rawJsonText,
        invalidUtf8Body,
        fc
          .constantFrom('{"title":"raw"}', '{"content":"raw"}', '{"phase":"CHECKLIST"}')
          .map((t) => Buffer.from(t)),
      ),
      { nil: undefined },
    ),
  )
  .map(([verb, path, headers, body]) =>
    Buffer.concat([
      Buffer.from(
        `${verb} ${path} HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Connection: close${CRLF}` +
          headers.map((line) => `${line}${CRLF}`).join('') +
          (body === undefined ? '' : `Content-Length: ${body.length}${CRLF}`) +
          CRLF,
        'latin1',
      ),
      body ?? Buffer.alloc(0),
    ]),
  );

export interface RawRequest {
  bytes: Buffer;
  /** HEAD answers carry no body, hence no envelope. */
  head: boolean;
}

export const rawRequest: fc.Arbitrary<RawRequest> = fc
  .oneof(
    { weight: 3, arbitrary: wellFramed },
    { weight: 1, arbitrary: brokenHead.map((text) => Buffer.from(text, 'latin1')) },
  )
  .map((bytes) => ({ bytes, head: bytes.toString('latin1').startsWith('HEAD ') }));

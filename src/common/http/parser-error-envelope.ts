import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorEnvelope } from '../errors/error-envelope';

interface ParserRefusal {
  status: number;
  message: string;
  code: string;
}

const MALFORMED: ParserRefusal = {
  status: 400,
  message: 'Malformed HTTP request',
  code: 'MALFORMED_REQUEST',
};

/** What Node's HTTP parser refused, with the status Node's own default answer would carry. */
const REFUSALS: Readonly<Record<string, ParserRefusal>> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    message: 'Request headers are too large',
    code: 'HEADERS_TOO_LARGE',
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'Request timed out', code: 'REQUEST_TIMEOUT' },
};

function refusalFor(error: NodeJS.ErrnoException): ParserRefusal {
  return (error.code === undefined ? undefined : REFUSALS[error.code]) ?? MALFORMED;
}

function envelopeText({ status, message, code }: ParserRefusal): string {
  const envelope: ErrorEnvelope = {
    success: false,
    statusCode: status,
    error: message,
    code,
    requestId: randomUUID(),
  };
  return JSON.stringify(envelope);
}

/**
 * Some requests are answered by Node itself, before Express or Nest see them: a head its parser
 * refuses (bad bytes, headers over 16 KB) and an `Expect` other than 100-continue. Node's own
 * answers carry no body; these listeners give them the error envelope like every other non-2xx.
 * As in Node's default (lib/_http_server.js socketOnError), a socket that has already written a
 * response is destroyed without an answer.
 */
export function answerParserRefusalsInEnvelope(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable || socket.bytesWritten > 0) {
      socket.destroy();
      return;
    }
    const refusal = refusalFor(error);
    const body = envelopeText(refusal);
    socket.end(
      `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    const body = envelopeText({
      status: 417,
      message: 'Only Expect: 100-continue is supported',
      code: 'EXPECTATION_FAILED',
    });
    res.writeHead(417, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close' });
    res.end(body);
  });
}

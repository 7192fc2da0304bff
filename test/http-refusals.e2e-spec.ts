import type { INestApplication } from '@nestjs/common';
import { exchange } from './fuzz/http-exchange';
import { rawExchange } from './fuzz/raw-socket-exchange';
import { ENVELOPE } from './support/error-envelope';
import { baseUrl, createTestApp } from './support/test-app';

/**
 * Requests refused below the routes, found by the fuzz (docs/testing.md): by Node's HTTP parser,
 * by Node's Expect handling, and by the body parser's decompression. Each is a 4xx in the error
 * envelope like any other, never a bare status line or a 500.
 */
describe('requests refused below the routes (e2e)', () => {
  let app: INestApplication;
  let base: string;
  let port: number;

  beforeAll(async () => {
    app = await createTestApp({ listen: true });
    base = baseUrl(app);
    port = Number(new URL(base).port);
  });

  afterAll(async () => {
    await app.close();
  });

  const head = (lines: string[]): Buffer => Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');

  it('should answer a head the parser refuses with 400 MALFORMED_REQUEST in the envelope', async () => {
    const answer = await rawExchange(
      port,
      head(['GET /api/sessions HTTP/1.1', 'Host: x', 'X-Bad: a\u0000b', 'Connection: close']),
    );
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ ...ENVELOPE, statusCode: 400, code: 'MALFORMED_REQUEST' });
  });

  it('should answer headers over 16 KB with 431 HEADERS_TOO_LARGE in the envelope', async () => {
    const answer = await rawExchange(
      port,
      head(['GET /api/sessions HTTP/1.1', 'Host: x', `X-Big: ${'h'.repeat(20_000)}`]),
    );
    expect(answer.status).toBe(431);
    expect(answer.json).toEqual({ ...ENVELOPE, statusCode: 431, code: 'HEADERS_TOO_LARGE' });
  });

  it('should answer an Expect other than 100-continue with 417 in the envelope', async () => {
    const response = await exchange(base, {
      method: 'GET',
      path: '/api/sessions',
      headers: { Expect: 'nonsense' },
    });
    expect(response.status).toBe(417);
    expect(response.json).toEqual({ ...ENVELOPE, statusCode: 417, code: 'EXPECTATION_FAILED' });
  });

  it('should answer a body that is not in its Content-Encoding with 400 MALFORMED_BODY', async () => {
    const response = await exchange(base, {
      method: 'POST',
      path: '/api/sessions',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: Buffer.from('{"title":"plain"}'),
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ ...ENVELOPE, statusCode: 400, code: 'MALFORMED_BODY' });
  });
});

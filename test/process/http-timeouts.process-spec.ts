import { connect, type Socket } from 'node:net';
import { stopStartedServers } from '../support/server-process';
import { startTestServer } from '../support/test-app';

const HEADERS_TIMEOUT_MS = 2000;
const REQUEST_TIMEOUT_MS = 4000;
const KEEP_ALIVE_TIMEOUT_MS = 1000;
/** Generous: Node checks the bounds every second, and this machine is shared. */
const SLACK_MS = 6000;

interface Outcome {
  /** From the connection to the server closing it. */
  closedAfterMs: number;
  received: string;
}

/**
 * A raw TCP client that writes `start` at once, then `trickle` one byte every 200 ms (forever,
 * if it is longer than the server's patience), and reports when the server hung up and what it
 * said. What no HTTP library would do: a slow-loris client.
 */
function slowClient(port: number, start: string, trickle = ''): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const openedAt = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    let next = 0;
    const timer = setInterval(() => {
      if (next < trickle.length && socket.writable) {
        socket.write(trickle[next] ?? '');
        next += 1;
      }
    }, 200);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(start));
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ closedAfterMs: Date.now() - openedAt, received });
    });
    const giveUp = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`the server kept a slow client for ${REQUEST_TIMEOUT_MS + SLACK_MS} ms`));
    }, REQUEST_TIMEOUT_MS + SLACK_MS);
  });
}

/**
 * The built server's HTTP timeouts (docs/http-limits.md) against clients that send slowly or
 * not at all: each is cut near its bound instead of Node's defaults (60 s for headers, checked
 * every 30 s; 300 s for a whole request).
 */
describe('HTTP server timeouts (process)', () => {
  let port: number;

  beforeAll(async () => {
    ({ port } = await startTestServer({
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
    }));
  });

  afterAll(stopStartedServers);

  it('should answer 408 and close a client trickling its headers, at about HTTP_HEADERS_TIMEOUT_MS', async () => {
    const headers = 'GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Padding: ' + 'a'.repeat(200);

    const outcome = await slowClient(port, 'G', headers.slice(1));

    expect(outcome.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(outcome.closedAfterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(outcome.closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
  });

  it('should answer 408 and close a client trickling its body, at about HTTP_REQUEST_TIMEOUT_MS', async () => {
    const body = JSON.stringify({ title: 'x'.repeat(500) });
    const head =
      'POST /api/sessions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${body.length}\r\n\r\n`;

    const outcome = await slowClient(port, head, body);

    expect(outcome.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(outcome.closedAfterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(outcome.closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
  });

  it('should close a connection that never sends a byte, at about HTTP_HEADERS_TIMEOUT_MS', async () => {
    const outcome = await slowClient(port, '');

    expect(outcome.received).toBe('');
    expect(outcome.closedAfterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(outcome.closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
  });

  it('should close an idle keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_MS, not before', async () => {
    const outcome = await slowClient(port, 'GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n');

    expect(outcome.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(outcome.received).toMatch(/Keep-Alive: timeout=1\b/i);
    expect(outcome.closedAfterMs).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS - 100);
    // Node's own default is 5 s: closing well before that shows the setting took effect.
    expect(outcome.closedAfterMs).toBeLessThan(4500);
  });

  it('should serve a client that sends at an ordinary pace', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Cellar' }),
    });
    expect(response.status).toBe(201);
  });
});

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import request from 'supertest';
import type { App } from 'supertest/types';
import { RECONNECT_HINT_MAX_MS, RECONNECT_HINT_MIN_MS } from '../src/gateway/drain/drain-timing';
import { ShutdownSafeIoAdapter } from '../src/gateway/io-adapter/shutdown-safe-io.adapter';
import { SocketConnections } from '../src/gateway/socket/socket-connections';
import { SseConnections } from '../src/gateway/sse/sse-connections';
import { LongLivedConnections } from '../src/lifecycle/long-lived-connections';
import { eventually, LiveEventSource, LiveSocket } from './support/live-clients';
import { baseUrl, createTestApp } from './support/test-app';

/** Reads a response body until it ends (the server closed the stream) or `timeoutMs` passes. */
async function readToEnd(response: Response, timeoutMs = 8000): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const timer = setTimeout(() => {
    void reader.cancel(new Error(`stream still open after ${timeoutMs} ms; got:\n${text}`));
  }, timeoutMs);
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) {
        return text;
      }
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
  }
}

describe('gateway drain (e2e)', () => {
  let app: INestApplication;
  let base: string;
  const owner = randomUUID();

  beforeAll(async () => {
    app = await createTestApp({
      listen: true,
      ownerOf: () => owner,
    });
    base = baseUrl(app);
  });

  afterAll(async () => {
    await app.close();
  });

  it('should register socket.io and sse with the long-lived connection registry', () => {
    const kinds = app
      .get(LongLivedConnections)
      .all()
      .map((source) => source.kind);
    expect(kinds).toEqual(expect.arrayContaining(['socket.io', 'sse']));
  });

  it('should tell every client, close them all, and leave the HTTP server serving', async () => {
    const server = app.getHttpServer() as App;
    const created = await request(server).post('/api/sessions').send({ title: 'Loft' }).expect(201);
    const sessionId = (created.body as { id: string }).id;

    const sockets = await Promise.all([1, 2, 3].map(() => LiveSocket.connect(base)));
    await Promise.all(sockets.map((client) => client.request('session:join', { sessionId })));
    const source = new LiveEventSource(`${base}/api/sessions/${sessionId}/events`);
    await source.waitFor('snapshot');
    const raw = await fetch(`${base}/api/sessions/${sessionId}/events`);
    const rawText = readToEnd(raw);
    const registry = app.get(LongLivedConnections);
    await eventually(
      () => registry.counts().sse === 2 && registry.counts()['socket.io'] === 3,
      'all clients counted',
    );

    const [socketsClosed, streamsClosed] = await Promise.all([
      app.get(SocketConnections).drain(3000),
      app.get(SseConnections).drain(3000),
    ]);

    expect({ socketsClosed, streamsClosed }).toEqual({ socketsClosed: 3, streamsClosed: 2 });
    expect(registry.counts()).toMatchObject({ 'socket.io': 0, sse: 0 });
    for (const client of sockets) {
      // The drain is done once the server let go of each socket; the client hears of it a moment
      // later, the notice first (it was sent before the disconnect, on the same connection).
      await eventually(() => client.disconnectReason, 'the socket to be disconnected');
      expect(client.disconnectReason).toBe('io server disconnect');
      const [notice] = client.events<{ reconnectInMs: number }>('server:draining');
      expect(notice?.reconnectInMs).toBeGreaterThanOrEqual(RECONNECT_HINT_MIN_MS);
      expect(notice?.reconnectInMs).toBeLessThanOrEqual(RECONNECT_HINT_MAX_MS);
    }
    expect(await source.waitFor('shutdown')).toEqual({
      reconnectInMs: expect.any(Number) as number,
    });
    source.close();
    const text = await rawText;
    expect(text).toMatch(/event: shutdown\nretry: (\d+)\ndata: \{"reconnectInMs":\1\}\n\n$/);

    // The HTTP server is still listening and serving: the drain let go of long-lived clients only.
    expect((app.getHttpServer() as Server).listening).toBe(true);
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    // While draining, new long-lived clients are turned away (they go to another replica).
    await expect(LiveSocket.connect(base)).rejects.toThrow(/draining/);
    const late = await fetch(`${base}/api/sessions/${sessionId}/events`);
    expect(late.status).toBe(503);
    expect(await late.json()).toMatchObject({ code: 'SERVER_DRAINING' });
  });
});

describe('ShutdownSafeIoAdapter', () => {
  async function serverWithSocketClient(
    adapter: (server: Server) => IoAdapter,
  ): Promise<{ http: Server; close: () => Promise<void>; client: LiveSocket }> {
    const http = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const ioAdapter = adapter(http);
    const io = ioAdapter.create(0);
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const client = await LiveSocket.connect(url);
    return { http, close: () => ioAdapter.close(io), client };
  }

  it('should disconnect socket.io clients but leave the HTTP server it does not own listening', async () => {
    const { http, close, client } = await serverWithSocketClient(
      (server) => new ShutdownSafeIoAdapter(server),
    );
    await close();
    await eventually(() => client.disconnectReason, 'the socket to be disconnected');
    expect(http.listening).toBe(true);
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
    expect(await (await fetch(url)).text()).toBe('ok');
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });

  it('should differ from the stock IoAdapter, which closes that server (nestjs/nest#13910)', async () => {
    const { http, close, client } = await serverWithSocketClient((server) => new IoAdapter(server));
    const closing = close();
    await eventually(() => client.disconnectReason, 'the socket to be disconnected');
    expect(http.listening).toBe(false);
    http.closeAllConnections();
    await closing;
  });
});

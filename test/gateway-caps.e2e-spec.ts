import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { SocketConnections } from '../src/gateway/socket/socket-connections';
import { SseConnections } from '../src/gateway/sse/sse-connections';
import { DataSource } from 'typeorm';
import type { SseSnapshot } from '../src/gateway/gateway.events';
import { ENVELOPE } from './support/error-envelope';
import { eventually, LiveEventSource, LiveSocket } from './support/live-clients';
import { insertLongConversation, sessionSeqs } from './support/long-conversation';
import { baseUrl, createTestApp } from './support/test-app';

const PER_PRINCIPAL = 2;
const TOTAL = 3;

/** An open SSE response whose body is not read until it is closed. */
interface OpenStream {
  response: Response;
  close(): void;
}

/**
 * Caps on live connections with real clients: per principal (the X-Test-Owner header plays the
 * principal) and per instance, for SSE streams (503 with Retry-After) and socket.io handshakes
 * (connect_error); a freed place can be taken again, and the drain still lets everyone go.
 */
describe('gateway connection caps (e2e)', () => {
  let app: INestApplication;
  let base: string;
  const open: Array<{ close(): void }> = [];

  beforeEach(async () => {
    // An app per test: each starts with every place free.
    app = await createTestApp({
      listen: true,
      env: {
        SSE_MAX_PER_PRINCIPAL: String(PER_PRINCIPAL),
        SSE_MAX_STREAMS: String(TOTAL),
        SOCKET_IO_MAX_PER_PRINCIPAL: String(PER_PRINCIPAL),
        SOCKET_IO_MAX_CONNECTIONS: String(TOTAL),
      },
      ownerOf: (headers) =>
        typeof headers['x-test-owner'] === 'string' ? headers['x-test-owner'] : randomUUID(),
    });
    base = baseUrl(app);
  });

  afterEach(async () => {
    open.splice(0).forEach((client) => client.close());
    await app.close();
  });

  async function createSession(owner: string): Promise<string> {
    const response = await request(app.getHttpServer() as App)
      .post('/api/sessions')
      .set('X-Test-Owner', owner)
      .send({ title: 'Capped' })
      .expect(201);
    return (response.body as { id: string }).id;
  }

  async function openStream(owner: string, sessionId: string): Promise<OpenStream> {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/sessions/${sessionId}/events`, {
      headers: { 'X-Test-Owner': owner },
      signal: controller.signal,
    });
    const stream = { response, close: () => controller.abort() };
    open.push(stream);
    return stream;
  }

  async function connectSocket(owner: string): Promise<LiveSocket> {
    const client = await LiveSocket.connect(base, { 'X-Test-Owner': owner });
    open.push(client);
    return client;
  }

  describe('SSE', () => {
    it('should answer the stream past the caller cap with 503, Retry-After and the envelope', async () => {
      const alice = randomUUID();
      const sessionId = await createSession(alice);
      const accepted = await Promise.all(
        Array.from({ length: PER_PRINCIPAL }, () => openStream(alice, sessionId)),
      );
      accepted.forEach((stream) => expect(stream.response.status).toBe(200));

      const refused = await openStream(alice, sessionId);
      expect(refused.response.status).toBe(503);
      expect(refused.response.headers.get('retry-after')).toBe('5');
      expect(await refused.response.json()).toEqual({
        ...ENVELOPE,
        statusCode: 503,
        code: 'TOO_MANY_LIVE_CONNECTIONS',
        error: expect.stringMatching(/at most 2/) as string,
      });
    });

    it('should refuse past the instance cap, whoever asks, and take a freed place again', async () => {
      const owners = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const sessions = await Promise.all(owners.map((owner) => createSession(owner)));
      const streams = [];
      for (let index = 0; index < TOTAL; index += 1) {
        const stream = await openStream(owners[index]!, sessions[index]!);
        expect(stream.response.status).toBe(200);
        streams.push(stream);
      }
      const refused = await openStream(owners[3]!, sessions[3]!);
      expect(refused.response.status).toBe(503);
      expect(refused.response.headers.get('retry-after')).toBe('5');
      expect(await refused.response.json()).toMatchObject({ code: 'SERVER_AT_CAPACITY' });

      streams[0]!.close();
      const connections = app.get(SseConnections);
      await eventually(() => connections.count() === TOTAL - 1, 'the closed stream to be gone');
      const again = await openStream(owners[3]!, sessions[3]!);
      expect(again.response.status).toBe(200);
    });

    it('should let no more than the cap through when many streams open at once', async () => {
      const alice = randomUUID();
      const sessionId = await createSession(alice);
      const all = await Promise.all(Array.from({ length: 10 }, () => openStream(alice, sessionId)));
      const statuses = all.map((stream) => stream.response.status).sort();
      expect(statuses).toEqual([
        ...Array<number>(PER_PRINCIPAL).fill(200),
        ...Array<number>(10 - PER_PRINCIPAL).fill(503),
      ]);
    });

    it('should let an EventSource at its cap page through a long resume, one response a page', async () => {
      const alice = randomUUID();
      const sessionId = await createSession(alice);
      const db = app.get(DataSource);
      // Three pages of the default RESUME_MAX_MESSAGES (100).
      await insertLongConversation(db, sessionId, { count: 250, length: 20 });
      expect((await openStream(alice, sessionId)).response.status).toBe(200);
      const paging = new LiveEventSource(`${base}/api/sessions/${sessionId}/events?after=0`, {
        'X-Test-Owner': alice,
      });
      open.push(paging);
      await eventually(
        () => paging.events<SseSnapshot>('snapshot').some((snapshot) => !snapshot.hasMore),
        'the last page',
        20_000,
      );
      expect(paging.seqs()).toEqual(await sessionSeqs(db, sessionId));
      expect(paging.events<SseSnapshot>('snapshot').map((snapshot) => snapshot.hasMore)).toEqual([
        true,
        true,
        false,
      ]);
    });

    it('should free the place of a stream whose session does not exist', async () => {
      const alice = randomUUID();
      for (let attempt = 0; attempt < PER_PRINCIPAL + 1; attempt += 1) {
        const missing = await openStream(alice, randomUUID());
        expect(missing.response.status).toBe(404);
      }
      const sessionId = await createSession(alice);
      expect((await openStream(alice, sessionId)).response.status).toBe(200);
    });
  });

  describe('socket.io', () => {
    it('should refuse the handshake past the caller cap with a connect_error that says why', async () => {
      const alice = randomUUID();
      await Promise.all(Array.from({ length: PER_PRINCIPAL }, () => connectSocket(alice)));
      const refusal = await connectSocket(alice).then(
        () => undefined,
        (error: unknown) => error as Error & { data?: unknown },
      );
      expect(refusal?.message).toMatch(/Too many open socket\.io connections.*at most 2/);
      expect(refusal?.data).toMatchObject({
        success: false,
        statusCode: 503,
        code: 'TOO_MANY_LIVE_CONNECTIONS',
        retryAfterSeconds: 5,
      });
    });

    it('should refuse past the instance cap and accept again once a socket left', async () => {
      const owners = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const sockets = [];
      for (let index = 0; index < TOTAL; index += 1) {
        sockets.push(await connectSocket(owners[index]!));
      }
      await expect(connectSocket(owners[3]!)).rejects.toMatchObject({
        message: expect.stringMatching(/no room for another socket\.io connection/) as string,
        data: expect.objectContaining({ code: 'SERVER_AT_CAPACITY' }) as unknown,
      });
      sockets[0]!.close();
      const connections = app.get(SocketConnections);
      await eventually(() => connections.count() === TOTAL - 1, 'the socket to be gone');
      const again = await connectSocket(owners[3]!);
      expect(again.socket.connected).toBe(true);
    });

    it('should let no more than the cap through when many sockets connect at once', async () => {
      const alice = randomUUID();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, () => connectSocket(alice)),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(
        PER_PRINCIPAL,
      );
      expect(app.get(SocketConnections).count()).toBe(PER_PRINCIPAL);
    });
  });

  it('should still let every capped client go in the drain, and refuse new ones as draining', async () => {
    const alice = randomUUID();
    const sessionId = await createSession(alice);
    const sockets = await Promise.all(
      Array.from({ length: PER_PRINCIPAL }, () => connectSocket(alice)),
    );
    const streams = await Promise.all(
      Array.from({ length: PER_PRINCIPAL }, () => openStream(alice, sessionId)),
    );
    streams.forEach((stream) => expect(stream.response.status).toBe(200));

    const [socketsClosed, streamsClosed] = await Promise.all([
      app.get(SocketConnections).drain(3000),
      app.get(SseConnections).drain(3000),
    ]);
    expect({ socketsClosed, streamsClosed }).toEqual({
      socketsClosed: PER_PRINCIPAL,
      streamsClosed: PER_PRINCIPAL,
    });
    for (const client of sockets) {
      await eventually(() => client.disconnectReason, 'the socket to be let go');
    }
    // Places are free again, but draining still wins over them.
    const late = await openStream(alice, sessionId);
    expect(late.response.status).toBe(503);
    expect(await late.response.json()).toMatchObject({ code: 'SERVER_DRAINING' });
    await expect(connectSocket(alice)).rejects.toThrow(/draining/);
  });
});

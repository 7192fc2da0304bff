import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import type { JoinSessionAck, SseSnapshot } from '../src/gateway/gateway.events';
import { SseConnections } from '../src/gateway/sse/sse-connections';
import { eventually, LiveEventSource, LiveSocket, resumeSocket } from './support/live-clients';
import { insertLongConversation, sessionSeqs } from './support/long-conversation';
import { baseUrl, createTestApp } from './support/test-app';

interface Message {
  id: string;
  seq: number;
  content: string;
}

const RESUME_MAX = 250;
const MAX_BUFFERED = 256 * 1024;
/** The longest message there is: a page of RESUME_MAX of them is about 2.5 MB. */
const LONGEST = 10_000;

/** Reads a response body until it ends, or fails after `timeoutMs`. */
async function readToEnd(response: Response, timeoutMs = 20_000): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const timer = setTimeout(() => void reader.cancel(new Error('stream still open')), timeoutMs);
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += decoder.decode(chunk.value, { stream: true });
    }
    return text;
  } finally {
    clearTimeout(timer);
  }
}

/** The `id:` lines of the message.created frames of an event-stream text, as numbers. */
function messageIds(text: string): number[] {
  return [...text.matchAll(/^event: message\.created\nid: (\d+)$/gm)].map((match) =>
    Number(match[1]),
  );
}

/**
 * Resume against long conversations (1,500 messages of 10,000 characters, inserted in one
 * statement): one answer carries a bounded page, clients page through the rest without a gap or a
 * double, SSE writes wait for the client, and a resume seq beyond the newest is not echoed back.
 */
describe('gateway resume bounds (e2e)', () => {
  const owner = randomUUID();
  let app: INestApplication;
  let server: App;
  let base: string;
  let db: DataSource;
  const open: Array<{ close(): void }> = [];

  beforeAll(async () => {
    app = await createTestApp({
      listen: true,
      env: {
        RESUME_MAX_MESSAGES: String(RESUME_MAX),
        SSE_MAX_BUFFERED_BYTES: String(MAX_BUFFERED),
        SSE_MAX_PER_PRINCIPAL: '50',
        SOCKET_IO_MAX_PER_PRINCIPAL: '50',
      },
      ownerOf: () => owner,
    });
    server = app.getHttpServer() as App;
    base = baseUrl(app);
    db = app.get(DataSource);
  });

  afterEach(() => {
    open.splice(0).forEach((client) => client.close());
  });

  afterAll(async () => {
    await app.close();
  });

  async function createSession(): Promise<string> {
    const response = await request(server)
      .post('/api/sessions')
      .send({ title: 'Long conversation' })
      .expect(201);
    return (response.body as { id: string }).id;
  }

  async function longSession(count = 1500): Promise<{ sessionId: string; seqs: number[] }> {
    const sessionId = await createSession();
    await insertLongConversation(db, sessionId, { count, length: LONGEST });
    return { sessionId, seqs: await sessionSeqs(db, sessionId) };
  }

  async function post(sessionId: string, content: string): Promise<Message> {
    const response = await request(server)
      .post(`/api/sessions/${sessionId}/messages`)
      .send({ content })
      .expect(201);
    return response.body as Message;
  }

  async function socket(): Promise<LiveSocket> {
    const client = await LiveSocket.connect(base);
    open.push(client);
    return client;
  }

  function eventSource(url: string): LiveEventSource {
    const client = new LiveEventSource(url);
    open.push(client);
    return client;
  }

  describe('socket.io session:join', () => {
    it('should ack at most RESUME_MAX_MESSAGES with hasMore and nextAfter, and keep the socket out of the room', async () => {
      const { sessionId, seqs } = await longSession();
      const client = await socket();
      const ack = await client.request<JoinSessionAck>('session:join', { sessionId, afterSeq: 0 });

      expect(ack.missed.map((message) => message.seq)).toEqual(seqs.slice(0, RESUME_MAX));
      expect(ack).toMatchObject({ hasMore: true, nextAfter: seqs[RESUME_MAX - 1] });
      // The size an ack can reach is the page's, not the conversation's (15 MB here).
      expect(JSON.stringify(ack).length).toBeLessThan(RESUME_MAX * (LONGEST + 300));

      // Not live while behind: a message posted now reaches a joined socket, not this one.
      const watcher = await socket();
      await watcher.request('session:join', { sessionId });
      const live = await post(sessionId, 'while paging');
      await watcher.waitFor<Message>('message.created', (message) => message.seq === live.seq);
      expect(client.seqs()).toEqual([]);
    });

    it('should answer a join whose afterSeq is beyond the newest with reset and the real newest seq, then go live', async () => {
      const sessionId = await createSession();
      const newest = await post(sessionId, 'the newest');
      // A real seq, of another session: beyond this one's newest.
      const elsewhere = await post(await createSession(), 'elsewhere');
      const client = await socket();
      const ack = await client.request<JoinSessionAck>('session:join', {
        sessionId,
        afterSeq: elsewhere.seq + 1000,
      });
      expect(ack).toMatchObject({
        missed: [],
        hasMore: false,
        nextAfter: null,
        reset: { reason: 'unknown_seq', lastSeq: newest.seq },
      });
      const next = await post(sessionId, 'after the reset');
      expect(next.seq).toBeLessThan(elsewhere.seq + 1000);
      await client.waitFor<Message>('message.created', (message) => message.seq === next.seq);
      expect(client.seqs()).toEqual([next.seq]);
    });
  });

  describe('GET /api/sessions/:id/events (SSE)', () => {
    it('should write a response of more than 1 MB in full, waiting for the client, and end it with retry: 0 when more follow', async () => {
      const { sessionId, seqs } = await longSession(RESUME_MAX + 10);
      const response = await fetch(`${base}/api/sessions/${sessionId}/events?after=0`);
      // Let the server run into backpressure before anything is read.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const text = await readToEnd(response);

      expect(text.length).toBeGreaterThan(2 * 1024 * 1024);
      expect(messageIds(text)).toEqual(seqs.slice(0, RESUME_MAX));
      expect(text).toMatch(/^event: snapshot\nid: 0\nretry: 3000\ndata: .*"hasMore":true/);
      expect(text.endsWith('\n\nretry: 0\n\n')).toBe(true);
    });

    it('should treat a Last-Event-ID beyond the newest seq as unknown: the first-connect snapshot with reset', async () => {
      const sessionId = await createSession();
      const newest = await post(sessionId, 'the newest');
      const stream = eventSource(
        `${base}/api/sessions/${sessionId}/events?after=${newest.seq + 500}`,
      );
      const snapshot = await stream.waitFor<SseSnapshot>('snapshot');
      expect(snapshot).toMatchObject({
        messages: [newest],
        lastSeq: newest.seq,
        hasMore: false,
        reset: { reason: 'unknown_seq', lastSeq: newest.seq },
      });
      // The id the EventSource resumes from is the real one now.
      expect(stream.received[0]).toMatchObject({ event: 'snapshot', id: String(newest.seq) });
      const next = await post(sessionId, 'after the reset');
      await stream.waitFor<Message>('message.created', (message) => message.seq === next.seq);
      expect(stream.seqs()).toEqual([next.seq]);
    });

    it('should cut a client that stops reading once its queue passes SSE_MAX_BUFFERED_BYTES, and keep serving the others', async () => {
      const sessionId = await createSession();
      const reading = eventSource(`${base}/api/sessions/${sessionId}/events`);
      await reading.waitFor('snapshot');
      const paused = await pausedStream(base, sessionId);
      open.push({ close: () => paused.socket.destroy() });
      const connections = app.get(SseConnections);
      await eventually(() => connections.count() === 2, 'both streams open');

      // 8 MB of live messages: more than the socket buffers and the queue bound together.
      await insertLongConversation(db, sessionId, {
        count: 800,
        length: LONGEST,
        notify: { ownerId: owner },
      });
      // The reader gets everything (had it fallen behind too, its EventSource would have resumed).
      await eventually(
        () => reading.seqs().length === 800,
        'the reader to get every message',
        30_000,
      );
      await eventually(() => connections.count() === 1, 'the paused stream to be cut', 10_000);
      // Reading again, the paused client finds its connection cut: no end of the chunked body.
      const received = await readUntilClosed(paused.socket);
      expect(received).not.toMatch(/\r\n0\r\n\r\n$/);
      expect(Buffer.byteLength(received)).toBeLessThan(800 * LONGEST);
      expect(reading.seqs()).toEqual(await sessionSeqs(db, sessionId));
    });
  });

  it('should give each of 20 resuming clients (socket.io paging both ways, EventSources) every message once, in order, then live', async () => {
    const { sessionId, seqs } = await longSession();
    const sockets = await Promise.all(Array.from({ length: 10 }, () => socket()));
    const streams = Array.from({ length: 10 }, () =>
      eventSource(`${base}/api/sessions/${sessionId}/events?after=0`),
    );
    const resumed = await Promise.all(
      sockets.map((client, index) =>
        resumeSocket<Message>(
          client,
          sessionId,
          0,
          index % 2 === 0 ? { kind: 'join' } : { kind: 'rest', baseUrl: base },
        ),
      ),
    );
    await Promise.all(
      streams.map((stream) =>
        eventually(
          () => stream.events<SseSnapshot>('snapshot').some((snapshot) => !snapshot.hasMore),
          'the stream to catch up',
          60_000,
        ),
      ),
    );

    const live = await post(sessionId, 'live after the catch-up');
    for (const [index, client] of sockets.entries()) {
      await client.waitFor<Message>('message.created', (message) => message.seq === live.seq);
      const { messages, acks } = resumed[index]!;
      expect([...messages.map((message) => message.seq), ...client.seqs()]).toEqual([
        ...seqs,
        live.seq,
      ]);
      acks.forEach((ack) => expect(ack.missed.length).toBeLessThanOrEqual(RESUME_MAX));
    }
    for (const stream of streams) {
      await stream.waitFor<Message>('message.created', (message) => message.seq === live.seq);
      expect(stream.seqs()).toEqual([...seqs, live.seq]);
      // One bounded response per page: six of them, the last one live.
      expect(stream.events<SseSnapshot>('snapshot').map((snapshot) => snapshot.hasMore)).toEqual([
        true,
        true,
        true,
        true,
        true,
        false,
      ]);
    }
  }, 120_000);
});

/** An SSE request on a raw socket that reads up to the snapshot and then stops reading. */
async function pausedStream(base: string, sessionId: string): Promise<{ socket: Socket }> {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  socket.setEncoding('utf8');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(
    `GET /api/sessions/${sessionId}/events HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n\r\n`,
  );
  await new Promise<void>((resolve) => {
    let head = '';
    const onData = (chunk: string): void => {
      head += chunk;
      if (head.includes('event: snapshot')) {
        socket.off('data', onData);
        socket.pause();
        resolve();
      }
    };
    socket.on('data', onData);
  });
  return { socket };
}

/** Resumes reading a paused socket and returns what it reads until the connection closes. */
function readUntilClosed(socket: Socket): Promise<string> {
  let text = '';
  socket.on('data', (chunk: string) => (text += chunk));
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(text)));
  socket.resume();
  return closed;
}

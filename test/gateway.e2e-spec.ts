import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { ErrorEnvelope } from '../src/common/errors/error-envelope';
import type { CreateMessageAck, JoinSessionAck } from '../src/gateway/gateway.events';
import { NotificationListener } from '../src/database/notification-listener';
import { LiveEvents } from '../src/gateway/fanout/live-events';
import { SseConnections } from '../src/gateway/sse/sse-connections';
import { MessagesService } from '../src/sessions/messages.service';
import { LiveEventSource, LiveSocket, eventually } from './support/live-clients';
import { baseUrl, createTestApp, testDatabaseUrl } from './support/test-app';
import { ENVELOPE } from './support/error-envelope';
import { SNAPSHOT_MESSAGES } from '../src/gateway/sse/session-events.service';

interface Message {
  id: string;
  seq: number;
  content: string;
  sessionId: string;
}

/**
 * The gateway against a listening app with real clients: socket.io-client and an EventSource.
 * Every request acts as the owner in the X-Test-Owner header (this suite's own owner by default),
 * so the suite never sees other suites' sessions and can play a second owner.
 */
describe('gateway (e2e)', () => {
  const owner = randomUUID();
  const stranger = randomUUID();
  let app: INestApplication;
  let server: App;
  let base: string;
  const open: Array<{ close(): void }> = [];

  beforeAll(async () => {
    app = await createTestApp({
      listen: true,
      // Caps well above what one test opens: the cap tests have their own suite.
      env: {
        SSE_HEARTBEAT_MS: '200',
        SOCKET_IO_MAX_PER_PRINCIPAL: '100',
        SSE_MAX_PER_PRINCIPAL: '100',
      },
      ownerOf: (headers) =>
        typeof headers['x-test-owner'] === 'string' ? headers['x-test-owner'] : owner,
    });
    server = app.getHttpServer() as App;
    base = baseUrl(app);
  });

  afterEach(() => {
    open.splice(0).forEach((client) => client.close());
  });

  afterAll(async () => {
    await app.close();
  });

  async function createSession(as = owner): Promise<string> {
    const response = await request(server)
      .post('/api/sessions')
      .set('X-Test-Owner', as)
      .send({ title: 'Kitchen remodel' })
      .expect(201);
    return (response.body as { id: string }).id;
  }

  async function post(sessionId: string, content: string): Promise<Message> {
    const response = await request(server)
      .post(`/api/sessions/${sessionId}/messages`)
      .send({ content })
      .expect(201);
    return response.body as Message;
  }

  async function socket(as = owner): Promise<LiveSocket> {
    const client = await LiveSocket.connect(base, { 'X-Test-Owner': as });
    open.push(client);
    return client;
  }

  function eventSource(sessionId: string, headers: Record<string, string> = {}): LiveEventSource {
    const client = new LiveEventSource(`${base}/api/sessions/${sessionId}/events`, headers);
    open.push(client);
    return client;
  }

  describe('socket.io session:join', () => {
    it('should ack the session, then deliver live message.created events', async () => {
      const sessionId = await createSession();
      const client = await socket();
      const ack = await client.request('session:join', { sessionId });
      expect(ack).toEqual({
        session: expect.objectContaining({ id: sessionId, phase: 'INTAKE', ownerId: owner }),
        missed: [],
        hasMore: false,
        nextAfter: null,
      });
      const message = await post(sessionId, 'first');
      const live = await client.waitFor('message.created');
      expect(live).toEqual(message);
    });

    it('should deliver session.updated and session.phase_changed with the current session', async () => {
      const sessionId = await createSession();
      const client = await socket();
      await client.request('session:join', { sessionId });
      await request(server)
        .patch(`/api/sessions/${sessionId}`)
        .send({ title: 'Bathroom' })
        .expect(200);
      const updated = await client.waitFor('session.updated');
      expect(updated).toMatchObject({ sessionId, session: { title: 'Bathroom' } });
      await request(server)
        .post(`/api/sessions/${sessionId}/phase`)
        .send({ phase: 'CHECKLIST' })
        .expect(200);
      const changed = await client.waitFor('session.phase_changed');
      expect(changed).toMatchObject({
        sessionId,
        phase: 'CHECKLIST',
        previousPhase: 'INTAKE',
        session: { phase: 'CHECKLIST' },
      });
    });

    it('should resume after a gap with every missed message exactly once, in order', async () => {
      const sessionId = await createSession();
      const first = await socket();
      await first.request('session:join', { sessionId });
      const seen = await post(sessionId, 'seen');
      await first.waitFor('message.created', (message: Message) => message.seq === seen.seq);
      first.close();

      const missed = [];
      for (const content of ['m1', 'm2', 'm3']) {
        missed.push(await post(sessionId, content));
      }
      const second = await socket();
      const ack = await second.request<JoinSessionAck>('session:join', {
        sessionId,
        afterSeq: seen.seq,
      });
      expect(ack.missed).toEqual(missed);

      const after = await post(sessionId, 'live');
      await second.waitFor('message.created', (message: Message) => message.seq === after.seq);
      const everything = [...ack.missed.map((m) => m.seq), ...second.seqs()];
      expect(everything).toEqual([...missed.map((m) => m.seq), after.seq]);
    });

    it('should deliver one message to every one of 20 clients in the room', async () => {
      const sessionId = await createSession();
      const clients = await Promise.all(Array.from({ length: 20 }, () => socket()));
      await Promise.all(clients.map((client) => client.request('session:join', { sessionId })));
      const message = await post(sessionId, 'to everyone');
      await Promise.all(
        clients.map((client) =>
          client.waitFor('message.created', (live: Message) => live.seq === message.seq),
        ),
      );
      clients.forEach((client) => expect(client.seqs()).toEqual([message.seq]));
    });

    it('should stop delivering after session:leave', async () => {
      const sessionId = await createSession();
      const leaving = await socket();
      const staying = await socket();
      await leaving.request('session:join', { sessionId });
      await staying.request('session:join', { sessionId });
      expect(await leaving.request('session:leave', { sessionId })).toEqual({ left: true });
      const message = await post(sessionId, 'after leave');
      await staying.waitFor('message.created', (live: Message) => live.seq === message.seq);
      // Same instance, same broadcast: had it still been in the room it would have it by now.
      expect(leaving.seqs()).toEqual([]);
    });

    it.each([
      ['a non-uuid session id', { sessionId: '42' }, ['sessionId']],
      ['a string afterSeq', { sessionId: randomUUID(), afterSeq: '3' }, ['afterSeq']],
      ['a negative afterSeq', { sessionId: randomUUID(), afterSeq: -1 }, ['afterSeq']],
      ['a fractional afterSeq', { sessionId: randomUUID(), afterSeq: 1.5 }, ['afterSeq']],
      ['no payload at all', undefined, ['payload']],
    ])('should ack a join with %s with 400 VALIDATION_FAILED', async (_, payload, fields) => {
      const client = await socket();
      const ack = await client.request<ErrorEnvelope>('session:join', payload);
      expect(ack).toMatchObject({ success: false, statusCode: 400, code: 'VALIDATION_FAILED' });
      expect((ack.details as Array<{ field: string }>).map((detail) => detail.field)).toEqual(
        expect.arrayContaining(fields),
      );
    });

    it('should stop watching a session for a socket that left in the middle of its join', async () => {
      const sessionId = await createSession();
      const messages = app.get(MessagesService);
      const original = messages.listAfter.bind(messages);
      const client = await socket();
      const gone = new Promise<void>((resolve) =>
        client.socket.once('disconnect', () => resolve()),
      );
      jest.spyOn(messages, 'listAfter').mockImplementationOnce(async (...args) => {
        client.close();
        await gone;
        await sleep(50);
        return original(...args);
      });
      client.socket.emit('session:join', { sessionId, afterSeq: 0 });
      await gone;
      const live = app.get(LiveEvents);
      await eventually(
        () => jest.mocked(messages.listAfter).mock.calls.length > 0,
        'the join to read',
      );
      jest.restoreAllMocks();
      await eventually(
        () => (live.isWatched(sessionId) ? undefined : true),
        'the session to be unwatched',
      );
    });

    it('should ack an unknown or a foreign session with 404 in the envelope', async () => {
      const client = await socket();
      const unknown = await client.request('session:join', { sessionId: randomUUID() });
      expect(unknown).toEqual({ ...ENVELOPE, statusCode: 404, code: 'SESSION_NOT_FOUND' });

      const foreignId = await createSession(stranger);
      const foreign = await client.request('session:join', { sessionId: foreignId });
      expect(foreign).toEqual({ ...ENVELOPE, statusCode: 404, code: 'SESSION_NOT_FOUND' });
      // And it is not left half-joined: the stranger's messages never reach it.
      const strangerClient = await socket(stranger);
      await strangerClient.request('session:join', { sessionId: foreignId });
      const created = await strangerClient.request<CreateMessageAck>('message:create', {
        sessionId: foreignId,
        content: 'private',
      });
      await strangerClient.waitFor(
        'message.created',
        (m: Message) => m.seq === created.message.seq,
      );
      expect(client.seqs()).toEqual([]);
    });
  });

  describe('socket.io message:create', () => {
    it('should ack the committed message and deliver it to the room', async () => {
      const sessionId = await createSession();
      const watcher = await socket();
      await watcher.request('session:join', { sessionId });
      const writer = await socket();
      const ack = await writer.request<CreateMessageAck>('message:create', {
        sessionId,
        content: 'Open kitchen, please',
        role: 'user',
      });
      expect(ack).toEqual({
        message: {
          id: expect.any(String) as string,
          sessionId,
          seq: expect.any(Number) as number,
          role: 'user',
          content: 'Open kitchen, please',
          createdAt: expect.any(String) as string,
        },
      });
      // Acked means committed: a REST read sees it.
      const listed = await request(server).get(`/api/sessions/${sessionId}/messages`).expect(200);
      expect(listed.body.items).toEqual([ack.message]);
      expect(await watcher.waitFor('message.created')).toEqual(ack.message);
    });

    it.each([
      ['no fields', {}, ['sessionId', 'content']],
      ['a non-uuid session id', { sessionId: 'nope', content: 'x' }, ['sessionId']],
      ['blank content', { sessionId: randomUUID(), content: '   ' }, ['content']],
      ['an unknown role', { sessionId: randomUUID(), content: 'x', role: 'admin' }, ['role']],
      ['too long content', { sessionId: randomUUID(), content: 'x'.repeat(10_001) }, ['content']],
      ['an unknown field', { sessionId: randomUUID(), content: 'x', extra: 1 }, ['extra']],
      ['a string payload', 'hello', ['payload']],
      ['an array payload', [1, 2], ['payload']],
      ['a null payload', null, ['payload']],
    ])('should ack %s with 400 VALIDATION_FAILED and field details', async (_, payload, fields) => {
      const client = await socket();
      const ack = await client.request<ErrorEnvelope>('message:create', payload);
      expect(ack).toEqual({
        ...ENVELOPE,
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        details: expect.any(Array) as unknown[],
      });
      expect((ack.details as Array<{ field: string }>).map((detail) => detail.field)).toEqual(
        expect.arrayContaining(fields),
      );
      expect(client.socket.connected).toBe(true);
    });

    it('should ack a message to a foreign session with 404 and store nothing', async () => {
      const foreignId = await createSession(stranger);
      const client = await socket();
      const ack = await client.request('message:create', { sessionId: foreignId, content: 'x' });
      expect(ack).toEqual({ ...ENVELOPE, statusCode: 404, code: 'SESSION_NOT_FOUND' });
      const listed = await request(server)
        .get(`/api/sessions/${foreignId}/messages`)
        .set('X-Test-Owner', stranger)
        .expect(200);
      expect(listed.body.items).toEqual([]);
    });

    it('should survive bad payloads without an ack: an exception event, and the socket stays usable', async () => {
      const sessionId = await createSession();
      const client = await socket();
      client.socket.emit('message:create', { sessionId: 42 });
      client.socket.emit('session:join');
      client.socket.emit('session:join', 'a', 'b', 'c');
      await eventually(() => client.events('exception').length === 3, 'three exception events');
      client.events('exception').forEach((error) =>
        expect(error).toEqual({
          ...ENVELOPE,
          statusCode: 400,
          code: 'VALIDATION_FAILED',
          details: expect.any(Array) as unknown[],
        }),
      );
      const ack = await client.request<JoinSessionAck>('session:join', { sessionId });
      expect(ack.session.id).toBe(sessionId);
    });
  });

  describe('GET /api/sessions/:id/events (SSE)', () => {
    it('should carry only the newest messages in the snapshot of a long conversation', async () => {
      const sessionId = await createSession();
      const posted: Message[] = [];
      for (let index = 0; index < SNAPSHOT_MESSAGES + 5; index += 1) {
        posted.push(await post(sessionId, `message ${index}`));
      }
      const stream = eventSource(sessionId);
      const snapshot = await stream.waitFor('snapshot');

      expect(snapshot).toEqual({
        session: expect.objectContaining({ id: sessionId }),
        messages: posted.slice(-SNAPSHOT_MESSAGES),
        lastSeq: posted.at(-1)?.seq,
        hasMore: false,
        nextAfter: null,
      });
    });

    it('should send a snapshot first, then live events with id: <seq>', async () => {
      const sessionId = await createSession();
      const before = await post(sessionId, 'before');
      const stream = eventSource(sessionId);
      const snapshot = await stream.waitFor('snapshot');
      expect(snapshot).toEqual({
        session: expect.objectContaining({ id: sessionId }),
        messages: [before],
        lastSeq: before.seq,
        hasMore: false,
        nextAfter: null,
      });
      expect(stream.received[0]).toMatchObject({ event: 'snapshot', id: String(before.seq) });

      const live = await post(sessionId, 'live');
      await stream.waitFor('message.created');
      expect(stream.received.at(-1)).toEqual({
        event: 'message.created',
        id: String(live.seq),
        data: live,
      });
      await request(server)
        .patch(`/api/sessions/${sessionId}`)
        .send({ title: 'Attic' })
        .expect(200);
      expect(await stream.waitFor('session.updated')).toMatchObject({
        session: { title: 'Attic' },
      });
    });

    it('should replay what was missed after Last-Event-ID exactly once, in order, then go live', async () => {
      const sessionId = await createSession();
      const seen = await post(sessionId, 'seen');
      const missed = [];
      for (const content of ['m1', 'm2', 'm3']) {
        missed.push(await post(sessionId, content));
      }
      const stream = eventSource(sessionId, { 'Last-Event-ID': String(seen.seq) });
      await eventually(() => stream.seqs().length === 3, 'the replay');
      const live = await post(sessionId, 'live');
      await stream.waitFor('message.created', (m: Message) => m.seq === live.seq);
      expect(stream.received.map((entry) => entry.event)).toEqual([
        'snapshot',
        'message.created',
        'message.created',
        'message.created',
        'message.created',
      ]);
      expect(stream.events('message.created')).toEqual([...missed, live]);
      expect(stream.received.slice(1).map((entry) => entry.id)).toEqual(
        [...missed, live].map((m) => String(m.seq)),
      );
    });

    it('should answer an unknown or a foreign session with 404 before any stream starts', async () => {
      const unknown = await fetch(`${base}/api/sessions/${randomUUID()}/events`);
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toMatch(/application\/json/);
      expect(await unknown.json()).toEqual({
        ...ENVELOPE,
        statusCode: 404,
        code: 'SESSION_NOT_FOUND',
      });

      const foreignId = await createSession(stranger);
      const foreign = await fetch(`${base}/api/sessions/${foreignId}/events`);
      expect(foreign.status).toBe(404);
      expect(await foreign.json()).toMatchObject({ code: 'SESSION_NOT_FOUND' });
    });

    it('should answer a non-uuid id or a malformed Last-Event-ID with 400', async () => {
      const badId = await fetch(`${base}/api/sessions/nope/events`);
      expect(badId.status).toBe(400);
      expect(await badId.json()).toMatchObject({ ...ENVELOPE, code: 'VALIDATION_FAILED' });
      const sessionId = await createSession();
      const badSeq = await fetch(`${base}/api/sessions/${sessionId}/events`, {
        headers: { 'Last-Event-ID': 'yesterday' },
      });
      expect(badSeq.status).toBe(400);
      expect(await badSeq.json()).toMatchObject({ ...ENVELOPE, code: 'INVALID_LAST_EVENT_ID' });
    });

    it('should send heartbeat comments on an idle stream', async () => {
      const sessionId = await createSession();
      const controller = new AbortController();
      const response = await fetch(`${base}/api/sessions/${sessionId}/events`, {
        signal: controller.signal,
      });
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (!text.includes(': heartbeat\n\n')) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        text += decoder.decode(value, { stream: true });
      }
      controller.abort();
      expect(text.startsWith('event: snapshot\n')).toBe(true);
      expect(text).toContain(': heartbeat\n\n');
    });

    it('should not keep a stream whose client left while the session was being read', async () => {
      const sessionId = await createSession();
      const messages = app.get(MessagesService);
      // A first connect reads the newest messages (latest); hold that read until the client left.
      const original = messages.latest.bind(messages);
      const controller = new AbortController();
      const aborted = sleep(100);
      jest.spyOn(messages, 'latest').mockImplementationOnce(async (...args) => {
        controller.abort();
        await aborted;
        return original(...args);
      });
      await expect(
        fetch(`${base}/api/sessions/${sessionId}/events`, { signal: controller.signal }),
      ).rejects.toThrow();
      await sleep(200);
      jest.restoreAllMocks();
      expect(app.get(SseConnections).count()).toBe(0);
    });

    it('should end the stream with session.deleted when the session is deleted', async () => {
      const sessionId = await createSession();
      const stream = eventSource(sessionId);
      const client = await socket();
      await client.request('session:join', { sessionId });
      await stream.waitFor('snapshot');
      await request(server).delete(`/api/sessions/${sessionId}`).expect(204);
      expect(await stream.waitFor('session.deleted')).toEqual({ sessionId });
      expect(await client.waitFor('session.deleted')).toEqual({ sessionId });
    });
  });

  describe('GET /metrics', () => {
    it('should count fan-out once per event, its lag, and the open connections per kind', async () => {
      const sessionId = await createSession();
      const clients = await Promise.all([socket(), socket()]);
      await Promise.all(clients.map((client) => client.request('session:join', { sessionId })));
      const stream = eventSource(sessionId);
      await stream.waitFor('snapshot');
      const metric = (text: string, line: RegExp): number =>
        Number(line.exec(text)?.[1] ?? Number.NaN);
      const before = (await request(server).get('/metrics').expect(200)).text;
      const message = await post(sessionId, 'counted');
      await stream.waitFor<Message>('message.created', (live) => live.seq === message.seq);

      const after = (await request(server).get('/metrics').expect(200)).text;
      const delivered = /^gateway_live_events_total\{type="message.created"\} (\d+)$/m;
      // One resolution for three clients on this instance.
      expect(metric(after, delivered) - (metric(before, delivered) || 0)).toBe(1);
      expect(metric(after, /^gateway_live_event_lag_seconds_count (\d+)$/m)).toBeGreaterThan(0);
      expect(metric(after, /^gateway_watched_sessions (\d+)$/m)).toBeGreaterThanOrEqual(1);
      expect(
        metric(after, /^long_lived_connections\{kind="socket.io"\} (\d+)$/m),
      ).toBeGreaterThanOrEqual(2);
      expect(metric(after, /^long_lived_connections\{kind="sse"\} (\d+)$/m)).toBeGreaterThanOrEqual(
        1,
      );
    });
  });

  describe('an event that cannot be read', () => {
    afterEach(() => jest.restoreAllMocks());

    it('should hint resync to its watchers and keep delivering the next events', async () => {
      const sessionId = await createSession();
      const client = await socket();
      await client.request('session:join', { sessionId });
      const messages = app.get(MessagesService);
      jest
        .spyOn(messages, 'findBySeq')
        .mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));

      const lost = await post(sessionId, 'its read fails');
      expect(await client.waitFor('resync')).toEqual({ sessionId, reason: 'event_unavailable' });
      const next = await post(sessionId, 'read fine');
      await client.waitFor<Message>('message.created', (live) => live.seq === next.seq);
      expect(client.seqs()).toEqual([next.seq]);
      // What the hint asks for: a resume from the last seq seen gets the lost one back.
      const resumed = await client.request<JoinSessionAck>('session:join', {
        sessionId,
        afterSeq: lost.seq - 1,
      });
      expect(resumed.missed.map((m) => m.seq)).toEqual([lost.seq, next.seq]);
    });
  });

  describe('LISTEN connection restored', () => {
    it('should send resync to sockets and SSE streams, then deliver live events again', async () => {
      const sessionId = await createSession();
      const client = await socket();
      await client.request('session:join', { sessionId });
      const stream = eventSource(sessionId);
      await stream.waitFor('snapshot');

      // Kill this app's LISTEN backend from outside, as a failover or a network cut would.
      const listener = app.get(NotificationListener);
      const backendPid = (listener as unknown as { client?: { processID: number } }).client
        ?.processID;
      expect(backendPid).toEqual(expect.any(Number));
      const admin = new Client({ connectionString: testDatabaseUrl() });
      await admin.connect();
      try {
        await admin.query('SELECT pg_terminate_backend($1)', [backendPid]);
      } finally {
        await admin.end();
      }

      const hint = { sessionId, reason: 'listener_reconnected' };
      expect(await client.waitFor('resync')).toEqual(hint);
      expect(await stream.waitFor('resync')).toEqual(hint);
      expect(listener.isListening()).toBe(true);
      const message = await post(sessionId, 'after the reconnect');
      await client.waitFor<Message>('message.created', (live) => live.seq === message.seq);
      await stream.waitFor<Message>('message.created', (live) => live.seq === message.seq);
    });
  });

  /**
   * The race resume must get right: a message committed while a join (or a stream) is reading
   * what was missed is both in the read and on the live feed. It must arrive exactly once.
   */
  describe('a message committed during the catch-up read', () => {
    /**
     * Makes the next catch-up read of the session (the live feed reads with findBySeq) first
     * commit a message and wait until `watcher`, already in the room, has it live.
     */
    function commitDuringNextRead(sessionId: string, watcher: LiveSocket): void {
      const messages = app.get(MessagesService);
      const original = messages.listAfter.bind(messages);
      let armed = true;
      jest.spyOn(messages, 'listAfter').mockImplementation(async (...args) => {
        if (armed && args[1] === sessionId) {
          armed = false;
          const message = await post(sessionId, 'committed during the read');
          await watcher.waitFor<Message>('message.created', (live) => live.seq === message.seq);
        }
        return original(...args);
      });
    }

    afterEach(() => jest.restoreAllMocks());

    it('should give it to a joining socket once, in the ack, not again live', async () => {
      const sessionId = await createSession();
      const seen = await post(sessionId, 'seen');
      const watcher = await socket();
      await watcher.request('session:join', { sessionId });
      const joiner = await socket();
      commitDuringNextRead(sessionId, watcher);

      const ack = await joiner.request<JoinSessionAck>('session:join', {
        sessionId,
        afterSeq: seen.seq,
      });
      const next = await post(sessionId, 'next');
      await joiner.waitFor<Message>('message.created', (live) => live.seq === next.seq);

      expect(ack.missed.map((m) => m.content)).toEqual(['committed during the read']);
      expect(joiner.seqs()).toEqual([next.seq]);
    });

    it('should not send a joining socket live what its ack carried or it had, however late', async () => {
      const sessionId = await createSession();
      const watcher = await socket();
      await watcher.request('session:join', { sessionId });
      // The live read of the next message waits until both joins are acked.
      const messages = app.get(MessagesService);
      const original = messages.findBySeq.bind(messages);
      let releaseLiveRead = (): void => undefined;
      const joinsAcked = new Promise<void>((resolve) => (releaseLiveRead = resolve));
      let liveReadStarted = (): void => undefined;
      const liveRead = new Promise<void>((resolve) => (liveReadStarted = resolve));
      jest.spyOn(messages, 'findBySeq').mockImplementationOnce(async (...args) => {
        liveReadStarted();
        await joinsAcked;
        return original(...args);
      });
      const late = await post(sessionId, 'its live event comes late');
      await liveRead;

      const resuming = await socket();
      const ack = await resuming.request<JoinSessionAck>('session:join', {
        sessionId,
        afterSeq: late.seq - 1,
      });
      const upToDate = await socket();
      await upToDate.request('session:join', { sessionId, afterSeq: late.seq });
      releaseLiveRead();
      await watcher.waitFor<Message>('message.created', (live) => live.seq === late.seq);
      const next = await post(sessionId, 'next');
      await resuming.waitFor<Message>('message.created', (live) => live.seq === next.seq);
      await upToDate.waitFor<Message>('message.created', (live) => live.seq === next.seq);

      expect(ack.missed.map((m) => m.seq)).toEqual([late.seq]);
      expect(resuming.seqs()).toEqual([next.seq]);
      expect(upToDate.seqs()).toEqual([next.seq]);
    });

    it('should give it to an SSE client once, in the replay, not again live', async () => {
      const sessionId = await createSession();
      const seen = await post(sessionId, 'seen');
      const watcher = await socket();
      await watcher.request('session:join', { sessionId });
      commitDuringNextRead(sessionId, watcher);

      const stream = eventSource(sessionId, { 'Last-Event-ID': String(seen.seq) });
      await stream.waitFor('snapshot');
      const next = await post(sessionId, 'next');
      await stream.waitFor<Message>('message.created', (live) => live.seq === next.seq);

      expect(stream.events<Message>('message.created').map((m) => m.content)).toEqual([
        'committed during the read',
        'next',
      ]);
    });
  });
});

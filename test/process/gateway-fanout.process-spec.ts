import { postCreated } from '../support/post-created';
import type { CreateMessageAck, JoinSessionAck } from '../../src/gateway/gateway.events';
import { eventually, LiveEventSource, LiveSocket } from '../support/live-clients';
import { type ServerProcess, stopStartedServers } from '../support/server-process';
import { startTestServer } from '../support/test-app';

interface Message {
  id: string;
  seq: number;
  content: string;
}

/**
 * Two real server processes on one database, nothing shared but Postgres: a client on either
 * sees what is written through the other and resumes there without loss. Both act as the default
 * local owner, so REST and socket calls share an owner.
 */
describe('gateway across two instances (process)', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let urlA: string;
  let urlB: string;
  const open: Array<{ close(): void }> = [];

  beforeAll(async () => {
    [{ server: a, url: urlA }, { server: b, url: urlB }] = await Promise.all([
      startTestServer(),
      startTestServer(),
    ]);
  }, 60_000);

  afterEach(() => {
    open.splice(0).forEach((client) => client.close());
  });

  afterAll(async () => {
    // a and b are stopped the way they would be in production, and must exit 0 as they would.
    const exits = await Promise.all([a.stop(10_000), b.stop(10_000)]);
    exits.forEach((exit) => expect(exit.code).toBe(0));
  }, 30_000);

  afterAll(stopStartedServers);

  async function createSession(url: string): Promise<string> {
    return (await postCreated<{ id: string }>(`${url}/api/sessions`, { title: 'Two replicas' })).id;
  }

  function post(url: string, sessionId: string, content: string): Promise<Message> {
    return postCreated<Message>(`${url}/api/sessions/${sessionId}/messages`, { content });
  }

  async function socket(url: string): Promise<LiveSocket> {
    const client = await LiveSocket.connect(url);
    open.push(client);
    return client;
  }

  function eventSource(url: string, headers: Record<string, string> = {}): LiveEventSource {
    const client = new LiveEventSource(url, headers);
    open.push(client);
    return client;
  }

  it('should deliver a message posted through A to a socket.io and an SSE client on B', async () => {
    const sessionId = await createSession(urlA);
    const onB = await socket(urlB);
    await onB.request<JoinSessionAck>('session:join', { sessionId });
    const streamOnB = eventSource(`${urlB}/api/sessions/${sessionId}/events`);
    await streamOnB.waitFor('snapshot');

    const message = await post(urlA, sessionId, 'posted through A');

    expect(await onB.waitFor('message.created')).toEqual(message);
    expect(await streamOnB.waitFor('message.created')).toEqual(message);
    expect(streamOnB.received.at(-1)?.id).toBe(String(message.seq));
  });

  it('should resume a socket.io client on B with everything it missed on A, once, in order', async () => {
    const sessionId = await createSession(urlA);
    const onA = await socket(urlA);
    await onA.request('session:join', { sessionId });
    const seen = await onA.request<CreateMessageAck>('message:create', {
      sessionId,
      content: 'seen',
    });
    await onA.waitFor<Message>('message.created', (m) => m.seq === seen.message.seq);
    onA.close();

    const missed: Message[] = [];
    for (const [index, url] of [urlA, urlB, urlA].entries()) {
      missed.push(await post(url, sessionId, `missed ${index}`));
    }
    const onB = await socket(urlB);
    const ack = await onB.request<JoinSessionAck>('session:join', {
      sessionId,
      afterSeq: seen.message.seq,
    });
    const live = await post(urlA, sessionId, 'live after resume');
    await onB.waitFor<Message>('message.created', (m) => m.seq === live.seq);

    expect(ack.missed).toEqual(missed);
    expect([...ack.missed.map((m) => m.seq), ...onB.seqs()]).toEqual(
      [...missed, live].map((m) => m.seq),
    );
  });

  it('should resume an EventSource on B from its Last-Event-ID on A, once, in order', async () => {
    const sessionId = await createSession(urlA);
    const onA = eventSource(`${urlA}/api/sessions/${sessionId}/events`);
    await onA.waitFor('snapshot');
    const seen = await post(urlB, sessionId, 'seen');
    await onA.waitFor<Message>('message.created', (m) => m.seq === seen.seq);
    const lastEventId = onA.received.at(-1)?.id ?? '';
    onA.close();

    const missed: Message[] = [];
    for (const content of ['m1', 'm2', 'm3']) {
      missed.push(await post(urlA, sessionId, content));
    }
    const onB = eventSource(`${urlB}/api/sessions/${sessionId}/events`, {
      'Last-Event-ID': lastEventId,
    });
    await eventually(() => onB.seqs().length >= 3, 'the replay on B');
    const live = await post(urlA, sessionId, 'live');
    await onB.waitFor<Message>('message.created', (m) => m.seq === live.seq);

    expect(lastEventId).toBe(String(seen.seq));
    expect(onB.events('message.created')).toEqual([...missed, live]);
  });

  it('should tell its clients on SIGTERM, exit 0, and let them resume on another instance without loss', async () => {
    const { server: c, url: urlC } = await startTestServer();
    const sessionId = await createSession(urlA);
    const socketOnC = await socket(urlC);
    await socketOnC.request('session:join', { sessionId });
    const streamOnC = eventSource(`${urlC}/api/sessions/${sessionId}/events`);
    await streamOnC.waitFor('snapshot');
    const seen = await post(urlA, sessionId, 'seen on C');
    await socketOnC.waitFor<Message>('message.created', (m) => m.seq === seen.seq);
    await streamOnC.waitFor<Message>('message.created', (m) => m.seq === seen.seq);

    c.kill('SIGTERM');
    const notice = await socketOnC.waitFor<{ reconnectInMs: number }>('server:draining');
    await streamOnC.waitFor('shutdown');
    streamOnC.close();
    expect(notice.reconnectInMs).toBeGreaterThan(0);
    expect(await c.exited).toEqual({ code: 0, signal: null });
    expect(socketOnC.disconnectReason).toBe('io server disconnect');

    const missed = [await post(urlA, sessionId, 'm1'), await post(urlB, sessionId, 'm2')];
    const socketOnB = await socket(urlB);
    const ack = await socketOnB.request<JoinSessionAck>('session:join', {
      sessionId,
      afterSeq: socketOnC.seqs().at(-1),
    });
    const streamOnB = eventSource(`${urlB}/api/sessions/${sessionId}/events`, {
      'Last-Event-ID':
        streamOnC.received.filter((e) => e.event === 'message.created').at(-1)?.id ?? '',
    });
    await eventually(() => streamOnB.seqs().length >= 2, 'the replay on B');

    expect(ack.missed).toEqual(missed);
    expect(streamOnB.events('message.created')).toEqual(missed);
  }, 30_000);
});

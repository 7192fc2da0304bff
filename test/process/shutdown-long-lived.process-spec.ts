import { requestJson } from '../support/keep-alive-load';
import { eventually, LiveSocket } from '../support/live-clients';
import { ServerProcess, stopStartedServers } from '../support/server-process';
import { testDatabaseUrl } from '../support/test-app';

/**
 * An SSE stream and a socket.io client open at SIGTERM. Plain NestJS hangs until
 * SIGKILL with one SSE client open (nestjs/nest#9517); here each client gets its notice, a clean
 * close, and the process exits without waiting for them to leave on their own.
 */
describe('SIGTERM with long-lived clients open', () => {
  afterEach(stopStartedServers);

  it('should tell the SSE stream and the socket.io client, close both cleanly, and exit 0 promptly', async () => {
    const server = ServerProcess.start({ DATABASE_URL: testDatabaseUrl(), PORT: '0' });
    const port = await server.started();
    const base = `http://127.0.0.1:${port}`;
    const created = await requestJson(port, 'POST', '/api/sessions', { title: 'long-lived' });
    const sessionId = (created.body as { id: string }).id;

    const socket = await LiveSocket.connect(base);
    await socket.request('session:join', { sessionId });
    const stream = await fetch(`${base}/api/sessions/${sessionId}/events`);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    // The rest of the stream, to its end: resolves only if the server ends it cleanly.
    const rest = (async () => {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        text += decoder.decode(chunk.value);
      }
      return 'ended';
    })();

    const signalledAt = Date.now();
    server.kill('SIGTERM');
    const { code } = await server.exited;
    const exitMs = Date.now() - signalledAt;

    expect(await rest).toBe('ended');
    expect(text).toMatch(/event: shutdown\nretry: \d+\ndata: \{"reconnectInMs":\d+\}\n\n$/);
    expect(socket.received.map((received) => received.event)).toContain('server:draining');
    await eventually(() => socket.disconnectReason, 'the socket.io client to be disconnected');
    expect(socket.disconnectReason).toBe('io server disconnect');
    expect(code).toBe(0);
    // Bounded by the long-lived drain (2 s by default) plus the rest; a hang would be far longer.
    expect(exitMs).toBeLessThan(4000);
    expect(
      server.lines.find((line) => String(line.msg).startsWith('shutdown complete')),
    ).toMatchObject({ sseClosed: 1, socketsClosed: 1, requestsCut: 0 });
  });
});

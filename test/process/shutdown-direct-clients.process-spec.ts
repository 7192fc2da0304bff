import { judgeLoad, KeepAliveLoad, requestJson } from '../support/keep-alive-load';
import { LiveEventSource, LiveSocket } from '../support/live-clients';
import { ServerProcess, stopStartedServers } from '../support/server-process';
import { readAndMessageRequests } from '../support/steady-load';
import { testDatabaseUrl } from '../support/test-app';

/**
 * Clients that talk to one instance directly (no load balancer, so no drain delay): 32 keep-alive
 * clients reading a session and posting messages with trickled bodies, which reconnect at once
 * when told `Connection: close`, plus an SSE stream and a socket.io client that are let go during
 * the drain. Every reconnect must be refused (the listener closed first), never accepted and reset.
 */
const RUNS = 10;

interface DrainRun {
  code: number | null;
  lost: number;
  serverErrors: number;
  refused: number;
  completed: number;
  sseToldToGo: boolean;
  socketToldToGo: boolean;
}

async function drainOnce(run: number): Promise<DrainRun> {
  const server = ServerProcess.start({
    DATABASE_URL: testDatabaseUrl(),
    PORT: '0',
    SHUTDOWN_DRAIN_DELAY_MS: '0',
  });
  const port = await server.started();
  const base = `http://127.0.0.1:${port}`;
  const created = await requestJson(port, 'POST', '/api/sessions', { title: `direct ${run}` });
  const sessionId = (created.body as { id: string }).id;
  const sse = new LiveEventSource(`${base}/api/sessions/${sessionId}/events`);
  const socket = await LiveSocket.connect(base);
  try {
    await sse.waitFor('snapshot');
    await socket.request('session:join', { sessionId });
    const load = KeepAliveLoad.start({
      port,
      connections: 32,
      trickleMs: 300,
      reconnect: true,
      next: readAndMessageRequests(sessionId, `run ${run}`),
    });
    await load.untilResponses(150);
    server.kill('SIGTERM');
    const { code } = await server.exited;
    await load.finished();
    const drainStartedAt = Number(
      server.lines.find((line) => String(line.msg).startsWith('shutdown started'))?.time,
    );
    const verdict = judgeLoad(load.records, drainStartedAt);
    return {
      code,
      lost: verdict.lost.length,
      serverErrors: load.records.filter((record) => (record.status ?? 0) >= 500).length,
      refused: verdict.refused,
      completed: verdict.completed,
      sseToldToGo: sse.events('shutdown').length === 1,
      socketToldToGo: socket.events('server:draining').length === 1,
    };
  } finally {
    sse.close();
    socket.close();
  }
}

describe('SIGTERM with clients connected directly, SSE and socket.io open', () => {
  afterEach(stopStartedServers);

  it(`should lose no request and answer no 5xx over ${RUNS} consecutive drains`, async () => {
    const runs: DrainRun[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      runs.push(await drainOnce(run));
    }

    expect(runs.map((run) => run.lost)).toEqual(runs.map(() => 0));
    expect(runs.map((run) => run.serverErrors)).toEqual(runs.map(() => 0));
    expect(runs.map((run) => run.code)).toEqual(runs.map(() => 0));
    expect(runs.every((run) => run.sseToldToGo && run.socketToldToGo)).toBe(true);
    // The clients did reconnect after `Connection: close`, and found the listener closed.
    expect(runs.reduce((sum, run) => sum + run.refused, 0)).toBeGreaterThan(0);
    expect(runs.every((run) => run.completed >= 150)).toBe(true);
  }, 180_000);
});

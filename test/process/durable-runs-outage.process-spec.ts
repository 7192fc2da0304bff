import { postCreated } from '../support/post-created';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  clusterPids,
  type EmbeddedCluster,
  startEmbeddedCluster,
} from '../support/embedded-cluster';
import { eventually, LiveSocket } from '../support/live-clients';
import { freePort } from '../support/ports';
import { runsOf, storedRuns, until } from '../support/run-state';
import { ServerProcess, stopStartedServers } from '../support/server-process';

/**
 * The database itself goes away mid-reply: the whole cluster (postmaster and every backend) frozen
 * with SIGSTOP, so the replica's writes hang on their sockets until the client-side query timeout
 * gives up. Once it is back, the run must end one way or the other, never be left `running`.
 */
describe('the database frozen while a reply streams', () => {
  const dataDir = resolve(__dirname, '../..', `.data/durable-runs-outage-${process.pid}`);
  let database: EmbeddedCluster | undefined;
  let frozen: number[] = [];
  let client: LiveSocket | undefined;

  beforeAll(async () => {
    database = await startEmbeddedCluster({ dataDir, port: await freePort() });
  }, 60_000);

  afterEach(async () => {
    frozen.forEach((pid) => process.kill(pid, 'SIGCONT'));
    frozen = [];
    client?.close();
    await stopStartedServers();
  });

  afterAll(async () => {
    await database?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(`${dataDir}.owner`, { force: true });
  });

  it('should end the run completed with one message or failed with none, never stuck running', async () => {
    const server = ServerProcess.start({
      DATABASE_URL: database?.url ?? '',
      PORT: '0',
      LOG_LEVEL: 'info',
      AGENT_RUNS_ENABLED: 'true',
      AGENT_PROVIDER: 'offline',
      AGENT_OFFLINE_TOKENS_PER_S: '15',
      AGENT_LEASE_MS: '1500',
      // The client gives up one second after this: well inside the freeze below.
      DB_STATEMENT_TIMEOUT_MS: '1000',
    });
    const url = `http://127.0.0.1:${await server.started()}`;
    const { id: sessionId } = await postCreated<{ id: string }>(`${url}/api/sessions`, {
      title: 'Basement',
    });
    client = await LiveSocket.connect(url);
    await client.request('session:join', { sessionId });
    await postCreated(`${url}/api/sessions/${sessionId}/messages`, { content: 'Damp walls?' });
    await eventually(
      () => (client?.events('message.delta').length ?? 0) > 0,
      'the reply to stream',
      30_000,
    );

    frozen = clusterPids(dataDir);
    frozen.forEach((pid) => process.kill(pid, 'SIGSTOP'));
    await sleep(5000);
    frozen.forEach((pid) => process.kill(pid, 'SIGCONT'));
    frozen = [];

    const [run] = await until(
      () => runsOf(url, sessionId).catch(() => []),
      (runs) => runs[0]?.status === 'completed' || runs[0]?.status === 'failed',
      'the run to end after the outage',
      45_000,
    );
    const stored = await storedRuns(database?.url ?? '', sessionId);
    if (run?.status === 'completed') {
      expect(stored.assistantMessages).toEqual([
        { id: run.assistantMessageId, session_id: sessionId },
      ]);
    } else {
      // Failed: whatever had streamed stays on the run, never stored as half a message.
      expect(stored.assistantMessages).toEqual([]);
    }
    expect(await server.stop(15_000)).toEqual({ code: 0, signal: null });
  }, 90_000);
});

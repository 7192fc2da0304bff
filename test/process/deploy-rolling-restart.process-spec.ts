import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { haproxyDetectionMs, readHaproxy } from '../support/deploy-manifests';
import { ensureHaproxy } from '../support/haproxy';
import { requestJson } from '../support/keep-alive-load';
import { type ReplicaRestart, RollingCluster } from '../support/rolling-cluster';
import { readAndMessageRequests, SteadyLoad } from '../support/steady-load';
import { stopStartedServers } from '../support/server-process';
import { testDatabaseUrl } from '../support/test-app';

/**
 * A rolling deploy costs zero failed requests. Two built replicas behind a
 * real HAProxy running deploy/haproxy.cfg (addresses rewritten only), clients reading and posting
 * messages through it without pause, and each replica replaced in turn as Compose or the kubelet
 * would: SIGTERM, wait for exit 0, start the new one on the same port, wait until HAProxy routes to
 * it. Every request must be answered 2xx, and every acknowledged message must be stored once.
 */
const backend = readHaproxy();
// The same rule the manifest test holds the Compose file to: twice HAProxy's worst-case detection.
const DRAIN_DELAY_MS = 2 * haproxyDetectionMs(backend);
const WORKERS = 8;

let haproxyBinary = '';
let cluster: RollingCluster | undefined;
let load: SteadyLoad | undefined;

// Installs HAProxy with apt when missing (CI): a failed install fails the test, never skips it.
beforeAll(() => {
  haproxyBinary = ensureHaproxy();
}, 240_000);

afterAll(async () => {
  await load?.stop();
  await cluster?.stop();
}, 30_000);

describe('rolling restart through HAProxy (deploy/haproxy.cfg)', () => {
  it('should answer every request 2xx and store every acknowledged message once', async () => {
    cluster = await RollingCluster.start({
      haproxyBinary,
      env: {
        DATABASE_URL: testDatabaseUrl(),
        SHUTDOWN_DRAIN_DELAY_MS: String(DRAIN_DELAY_MS),
      },
    });
    const proxyPort = cluster.port;
    const session = await requestJson(proxyPort, 'POST', '/api/sessions', { title: 'rolling' });
    expect(session.status).toBe(201);
    const sessionId = (session.body as { id: string }).id;

    const running = SteadyLoad.start({
      port: proxyPort,
      workers: WORKERS,
      next: readAndMessageRequests(sessionId, 'worker'),
    });
    load = running;
    await sleep(500);

    const restarts: ReplicaRestart[] = [];
    for (const name of cluster.names) {
      restarts.push(await cluster.restart(name));
    }
    await sleep(500);
    await running.stop();

    const failures = running.failures.map(
      ({ method, path, status, error }) => `${method} ${path} → ${status ?? error}`,
    );
    expect(failures).toEqual([]);
    for (const restart of restarts) {
      expect(restart.exitCode).toBe(0);
      // The readiness 503 is what took the replica out, while it still served (not its exit).
      expect(restart.markedDownAfterMs).toBeLessThan(restart.exitedAfterMs);
      // Clients kept being answered while that replica was away.
      const answered = running.answeredBetween(restart.signalledAt, restart.backUpAt);
      expect(answered.length).toBeGreaterThan(20);
    }

    const acknowledged = running.records
      .filter((record) => record.method === 'POST' && record.status === 201)
      .map((record) => (JSON.parse(record.body ?? '{}') as { id: string }).id);
    const posted = running.records.filter((record) => record.method === 'POST').length;
    expect(acknowledged.length).toBe(posted);
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    try {
      const stored = await db.query<{ id: string }>(
        'SELECT id FROM messages WHERE session_id = $1',
        [sessionId],
      );
      // Exactly the acknowledged ones: none lost, none written twice by a retried POST.
      expect(stored.rows.map((row) => row.id).sort()).toEqual([...acknowledged].sort());
    } finally {
      await db.end();
    }
  }, 60_000);
});
afterAll(stopStartedServers);

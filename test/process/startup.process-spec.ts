import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type Server } from 'node:net';
import { Client } from 'pg';
import { MIGRATIONS } from '../../src/database/migrations';
import { type EmbeddedCluster, startEmbeddedCluster } from '../support/embedded-cluster';
import { blackHole, freePort } from '../support/ports';
import { createScratchDatabase } from '../support/scratch-database';
import { type LogLine, ServerProcess, stopStartedServers } from '../support/server-process';
import { testDatabaseUrl } from '../support/test-app';
import { TEST_AUTH } from '../support/tokens';

const FATAL = 60;

interface ProbeResult {
  status: number;
  receivedAt: number;
}

/** Polls /health/ready until the process exits or `stop` is set; records every answer. */
function watchReadiness(
  port: number,
  server: ServerProcess,
): { statuses: number[]; probes: ProbeResult[]; stop(): void } {
  const probes: ProbeResult[] = [];
  let running = true;
  void (async () => {
    while (running) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health/ready`, {
          signal: AbortSignal.timeout(1000),
        });
        probes.push({ status: response.status, receivedAt: Date.now() });
      } catch {
        // Not listening (yet): nothing to record.
      }
      await sleep(10);
    }
  })();
  void server.exited.then(() => (running = false));
  return {
    get statuses() {
      return probes.map((probe) => probe.status);
    },
    probes,
    stop: () => (running = false),
  };
}

/** Starts a server expected to fail, and returns its fatal lines and exit code. */
async function failedStart(
  env: Record<string, string>,
): Promise<{ code: number | null; fatal: LogLine[]; readyStatuses: number[] }> {
  const port = env.PORT === undefined ? await freePort() : Number(env.PORT);
  const server = ServerProcess.start({ PORT: String(port), ...env });
  const readiness = watchReadiness(port, server);
  const { code } = await server.exited;
  readiness.stop();
  return {
    code,
    fatal: server.lines.filter((line) => line.level === FATAL),
    readyStatuses: readiness.statuses,
  };
}

function expectCleanFailure(
  result: Awaited<ReturnType<typeof failedStart>>,
  message: RegExp,
): void {
  expect(result.code).toBe(1);
  expect(result.fatal).toHaveLength(1);
  expect(result.fatal[0]?.msg).toMatch(message);
  expect(result.readyStatuses).not.toContain(200);
}

describe('startup sequence (process)', () => {
  afterEach(stopStartedServers);

  it('should run the steps in order and answer ready only after the last one', async () => {
    const port = await freePort();
    const server = ServerProcess.start({ PORT: String(port), DATABASE_URL: testDatabaseUrl() });
    const readiness = watchReadiness(port, server);
    const started = await server.waitFor((line) => line.msg === 'started');
    const readyAfterStart = await fetch(`http://127.0.0.1:${port}/health/ready`);
    readiness.stop();
    server.kill('SIGTERM');
    await server.exited;

    const stepNames = server.lines
      .filter((line) => typeof line.step === 'string' && typeof line.ms === 'number')
      .map((line) => line.step);
    expect(stepNames).toEqual([
      'configuration',
      'database',
      'migrations',
      'environment checks',
      'application',
      'listen',
    ]);
    expect(started).toMatchObject({
      pid: server.pid,
      env: 'test',
      startupMs: expect.any(Number) as number,
      urls: {
        api: `http://127.0.0.1:${port}/api`,
        docs: `http://127.0.0.1:${port}/api-docs`,
        health: `http://127.0.0.1:${port}/health/ready`,
        socketIo: `http://127.0.0.1:${port}/socket.io`,
      },
    });
    // No probe was answered 200 before the last step (listen) had finished.
    const listenDone = server.lines.find((line) => line.step === 'listen');
    const earlyReady = readiness.probes.filter(
      (probe) => probe.status === 200 && probe.receivedAt < Number(listenDone?.time),
    );
    expect(readiness.probes.length).toBeGreaterThan(0);
    expect(earlyReady).toEqual([]);
    expect(readyAfterStart.status).toBe(200);
  });

  describe('database failures', () => {
    it('should name host, port, database and "connection refused" when nothing listens', async () => {
      const closedPort = await freePort();
      const result = await failedStart({
        DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/renovation`,
        DB_CONNECT_TIMEOUT_MS: '800',
      });
      expectCleanFailure(
        result,
        new RegExp(`database "renovation" at 127\\.0\\.0\\.1:${closedPort}.*connection refused`),
      );
    });

    describe('on a password-protected server', () => {
      let cluster: EmbeddedCluster;
      const port = 54342;

      beforeAll(async () => {
        cluster = await startEmbeddedCluster({
          dataDir: '.data/startup-spec-postgres',
          port,
          database: 'renovation',
        });
      }, 60_000);

      afterAll(async () => {
        await cluster.stop();
      });

      it('should say authentication failed for a wrong password, at once', async () => {
        const result = await failedStart({
          DATABASE_URL: `postgres://postgres:wrong@127.0.0.1:${port}/renovation`,
        });
        expectCleanFailure(
          result,
          /database "renovation" at 127\.0\.0\.1:54342 as user postgres: authentication failed/,
        );
      });

      it('should say the database is missing', async () => {
        const result = await failedStart({
          DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${port}/nowhere`,
        });
        expectCleanFailure(result, /database "nowhere" .*database missing/);
      });
    });
  });

  it('should refuse to start in production with pending migrations, listing them', async () => {
    const scratch = await createScratchDatabase('pending');
    try {
      const result = await failedStart({
        NODE_ENV: 'production',
        DATABASE_URL: scratch.url,
        HEALTH_TOKEN: 'a-long-enough-health-token',
        ...TEST_AUTH,
      });
      const names = MIGRATIONS.map((migration) => migration.name);
      expect(names.length).toBeGreaterThan(0);
      expectCleanFailure(
        result,
        new RegExp(`${names.length} pending migration\\(s\\): ${names.join(', ')}`),
      );
    } finally {
      await scratch.drop();
    }
  });

  it('should say the port is in use and exit 1', async () => {
    // Whatever holds the port hangs up at once, so the readiness poller never waits on it.
    const taken: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const result = await failedStart({ PORT: String(port), DATABASE_URL: testDatabaseUrl() });
      expectCleanFailure(
        result,
        new RegExp(`port ${port} is already in use — stop the other process or set PORT`),
      );
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('should give up at STARTUP_TIMEOUT_MS naming the step that hung', async () => {
    const hole = await blackHole();
    try {
      const result = await failedStart({
        DATABASE_URL: `postgres://postgres@127.0.0.1:${hole.port}/renovation`,
        STARTUP_TIMEOUT_MS: '1500',
        DB_CONNECT_TIMEOUT_MS: '60000',
      });
      expectCleanFailure(
        result,
        /startup step "database" did not finish within STARTUP_TIMEOUT_MS=1500/,
      );
    } finally {
      await hole.close();
    }
  });

  it('should stop at once on SIGTERM during startup, with one line', async () => {
    const hole = await blackHole();
    try {
      const server = ServerProcess.start({
        PORT: '0',
        DATABASE_URL: `postgres://postgres@127.0.0.1:${hole.port}/renovation`,
      });
      await server.waitFor((line) => line.step === 'configuration');
      server.kill('SIGTERM');
      const { code } = await server.exited;

      expect(code).toBe(1);
      const fatal = server.lines.filter((line) => line.level === FATAL);
      expect(fatal.map((line) => line.msg)).toEqual([
        'SIGTERM during startup: stopped before taking any traffic',
      ]);
    } finally {
      await hole.close();
    }
  });

  it('should run migrations once when two replicas start at the same time', async () => {
    const scratch = await createScratchDatabase('replicas');
    const servers = [0, 1].map(() => ServerProcess.start({ PORT: '0', DATABASE_URL: scratch.url }));
    try {
      await Promise.all(servers.map((server) => server.started()));
      const applied = servers.map(
        (server) =>
          (server.lines.find((line) => Array.isArray(line.applied))?.applied as
            string[] | undefined) ?? [],
      );
      expect([...applied[0]!, ...applied[1]!].sort()).toEqual(
        MIGRATIONS.map((migration) => migration.name).sort(),
      );

      const client = new Client({ connectionString: scratch.url });
      await client.connect();
      const rows = await client.query<{ name: string; count: string }>(
        'SELECT name, count(*) FROM migrations GROUP BY name',
      );
      await client.end();
      expect(rows.rows.every((row) => row.count === '1')).toBe(true);
      expect(rows.rowCount).toBe(MIGRATIONS.length);
    } finally {
      servers.forEach((server) => server.kill('SIGTERM'));
      await Promise.all(servers.map((server) => server.exited));
      await scratch.drop();
    }
  });
});

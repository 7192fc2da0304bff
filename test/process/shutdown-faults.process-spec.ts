import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { type EmbeddedCluster, startEmbeddedCluster } from '../support/embedded-cluster';
import { requestJson } from '../support/keep-alive-load';
import { freePort } from '../support/ports';
import { createScratchDatabase } from '../support/scratch-database';
import { type LogLine, ServerProcess, stopStartedServers } from '../support/server-process';

/**
 * Real faults rather than test-only switches: (c) the whole database
 * cluster frozen with SIGSTOP, so the LISTEN and pool steps hang on their sockets; (d) a request
 * held inside its handler by a table lock the test takes, longer than the request timeout.
 */
type Summary = LogLine & { steps: Array<{ name: string; ms: number; ok: boolean }> };

const summaryOf = (server: ServerProcess): Summary | undefined =>
  server.lines.find((line) => String(line.msg).startsWith('shutdown complete')) as
    Summary | undefined;

/** The postmaster and every backend it forked: freezing only the postmaster leaves sessions alive. */
function clusterPids(dataDir: string): number[] {
  const postmaster = Number(
    readFileSync(resolve(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  const children = execFileSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' })
    .split('\n')
    .filter((pid) => pid !== '')
    .map(Number);
  return [postmaster, ...children];
}

describe('shutdown with a cleanup step that hangs (database frozen with SIGSTOP)', () => {
  afterEach(stopStartedServers);

  const dataDir = resolve(__dirname, '../..', `.data/lifecycle-freeze-${process.pid}`);
  let database: EmbeddedCluster | undefined;
  let frozen: number[] = [];

  beforeAll(async () => {
    database = await startEmbeddedCluster({ dataDir, port: await freePort() });
  }, 60_000);

  afterAll(async () => {
    frozen.forEach((pid) => process.kill(pid, 'SIGCONT'));
    await database?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(`${dataDir}.owner`, { force: true });
  });

  it('should cut each hanging step at its timeout, still run the later steps, and exit 1', async () => {
    const server = ServerProcess.start({
      DATABASE_URL: database?.url ?? '',
      PORT: '0',
      SHUTDOWN_STEP_TIMEOUT_MS: '500',
    });
    await server.started();

    frozen = clusterPids(dataDir);
    frozen.forEach((pid) => process.kill(pid, 'SIGSTOP'));
    server.kill('SIGTERM');
    const { code } = await server.exited;
    frozen.forEach((pid) => process.kill(pid, 'SIGCONT'));
    frozen = [];

    expect(code).toBe(1);
    const steps = summaryOf(server)?.steps ?? [];
    // pg's Pool.end() does not wait for its sockets to close, so only LISTEN's client.end() hangs;
    // what matters is that the steps after it still ran.
    expect(steps.map((step) => step.name)).toEqual([
      'stop LISTEN',
      'close database pool',
      'flush logs',
    ]);
    expect(steps[0]).toMatchObject({ ok: false });
    expect(steps[0]?.ms).toBeGreaterThanOrEqual(500);
    expect(steps[0]?.ms).toBeLessThan(2000);
    expect(steps[2]).toMatchObject({ ok: true });
    expect(server.lines.map((line) => String(line.msg))).toContainEqual(
      expect.stringMatching(/"stop LISTEN" failed after \d+ ms: timed out/),
    );
  });
});

describe('shutdown with a request longer than the request timeout', () => {
  afterEach(stopStartedServers);

  it('should cut it at the deadline, log its route, and exit 1', async () => {
    const scratch = await createScratchDatabase('cut');
    const server = ServerProcess.start({
      DATABASE_URL: scratch.url,
      PORT: '0',
      SHUTDOWN_REQUEST_TIMEOUT_MS: '500',
    });
    const port = await server.started();
    const session = await requestJson(port, 'POST', '/api/sessions', { title: 'cut' });
    const sessionId = (session.body as { id: string }).id;

    const locker = new Client({ connectionString: scratch.url });
    await locker.connect();
    try {
      // SHARE conflicts with the INSERT's ROW EXCLUSIVE: the handler waits inside the database.
      await locker.query('BEGIN; LOCK TABLE messages IN SHARE MODE');
      const held = requestJson(port, 'POST', `/api/sessions/${sessionId}/messages`, {
        content: 'held by a lock',
      }).catch((error: NodeJS.ErrnoException) => error.code ?? error.message);
      await sleep(300);
      const signalledAt = Date.now();
      server.kill('SIGTERM');

      const cutLine = await server.waitFor((line) =>
        /request\(s\) still running/.test(String(line.msg)),
      );
      expect(Number(cutLine.time) - signalledAt).toBeGreaterThanOrEqual(450);
      expect(cutLine.msg).toContain('POST /api/sessions/:id/messages');
      await locker.query('ROLLBACK');
      expect(await held).toBe('ECONNRESET');
    } finally {
      await locker.end();
    }
    const { code } = await server.exited;
    expect(code).toBe(1);
    expect(summaryOf(server)).toMatchObject({ requestsCut: 1 });
    await scratch.drop();
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { rm } from 'node:fs/promises';
import { get, type IncomingHttpHeaders } from 'node:http';
import { type EmbeddedCluster, startEmbeddedCluster } from '../support/embedded-cluster';
import { freePort } from '../support/ports';
import { type LogLine, ServerProcess, stopStartedServers } from '../support/server-process';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
}

/** A plain http.get: fetch() hides the Connection header, which is what one test is about. */
function probe(base: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = get(`${base}${path}`, { agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('timeout', () => req.destroy(new Error(`${path} hung`)));
    req.on('error', reject);
  });
}
/** The request log line of a readiness probe (other lines logged during it carry `req` too). */
const isProbeLine = (line: LogLine): boolean => {
  const url = (line.req as { url?: unknown } | undefined)?.url;
  return line.res !== undefined && typeof url === 'string' && url.startsWith('/health/ready');
};

/**
 * The built server on an embedded Postgres of its own, stopped and restarted under it: what an
 * operator's log shows during an outage, and what probes see during a real SIGTERM drain.
 */
describe('health of the real process (process)', () => {
  const dataDir = `.data/health-process-${process.pid}`;
  let port: number;
  let cluster: EmbeddedCluster | undefined;
  let server: ServerProcess;
  let base: string;

  beforeAll(async () => {
    port = await freePort();
    cluster = await startEmbeddedCluster({ dataDir, port });
    server = ServerProcess.start({
      PORT: '0',
      DATABASE_URL: cluster.url,
      LOG_LEVEL: 'debug',
      SHUTDOWN_DRAIN_DELAY_MS: '1500',
    });
    base = `http://127.0.0.1:${await server.started()}`;
  }, 60_000);

  afterAll(async () => {
    await stopStartedServers();
    await cluster?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('should log an outage once per change of verdict, probes at debug and nothing at error', async () => {
    expect((await probe(base, '/health/ready')).status).toBe(200);

    await cluster?.stop();
    cluster = undefined;
    const during: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      during.push((await probe(base, '/health/ready')).status);
      await sleep(250);
    }
    cluster = await startEmbeddedCluster({ dataDir, port });
    const deadline = Date.now() + 40_000;
    while ((await probe(base, '/health/ready')).status !== 200 && Date.now() < deadline) {
      await sleep(250);
    }
    expect((await probe(base, '/health/ready')).status).toBe(200);
    await server.waitFor((line) => line.context === 'Readiness' && line.msg === 'ready', 5_000);

    expect(during.filter((status) => status === 503).length).toBeGreaterThanOrEqual(8);
    const probeLines = server.lines.filter(isProbeLine);
    expect(probeLines.length).toBeGreaterThanOrEqual(during.length);
    expect(probeLines.filter((line) => line.level !== 20)).toEqual([]);
    const errors = server.lines.filter(
      (line) => (line.level ?? 0) >= 50 && /health/.test(JSON.stringify(line)),
    );
    expect(errors).toEqual([]);
    const verdicts = server.lines.filter(
      (line) => line.context === 'Readiness' && /^Not ready/.test(String(line.msg)),
    );
    // listener down, then listener and database down, perhaps database alone on the way back.
    expect(verdicts.length).toBeGreaterThanOrEqual(1);
    expect(verdicts.length).toBeLessThanOrEqual(3);
    expect(verdicts.every((line) => line.level === 40)).toBe(true);
  }, 90_000);

  it('should answer /health/ready 503 with Connection: close during the drain while live stays 200', async () => {
    expect((await probe(base, '/health/ready')).status).toBe(200);

    server.kill('SIGTERM');
    const deadline = Date.now() + 1_000;
    let ready = await probe(base, '/health/ready');
    while (ready.status === 200 && Date.now() < deadline) {
      ready = await probe(base, '/health/ready');
    }
    const live = await probe(base, '/health/live');

    expect(ready.status).toBe(503);
    expect(ready.headers.connection).toBe('close');
    expect(live.status).toBe(200);
    expect((await server.exited).code).toBe(0);
  }, 30_000);
});

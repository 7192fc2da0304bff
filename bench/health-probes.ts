import { setTimeout as sleep } from 'node:timers/promises';
import { get } from 'node:http';
import { ServerProcess } from '../test/support/server-process';
import { percentile } from './statistics';

/**
 * `npm run bench:health`: what probes and scrapes cost on the built server (dist/main.js, or
 * SERVER_ENTRY). Sequential latency of /health/live, /health/ready and /metrics, then a burst of
 * BENCH_PROBES concurrent readiness probes (each on its own connection, as kubelets and load
 * balancers do). DATABASE_URL: the database the server uses (required).
 */
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 500);
const BURST = Number(process.env.BENCH_PROBES ?? 200);

function timedGet(url: string): Promise<{ status: number; ms: number; bytes: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          bytes,
        }),
      );
    }).on('error', reject);
  });
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(2)} ms`;
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl === undefined) {
    throw new Error('DATABASE_URL is required');
  }
  const server = ServerProcess.start({ PORT: '0', DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' });
  try {
    const base = `http://127.0.0.1:${await server.started()}`;
    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      const results = [];
      for (let i = 0; i < SEQUENTIAL; i += 1) {
        results.push(await timedGet(`${base}${path}`));
      }
      const failed = results.filter((result) => result.status !== 200).length;
      const bytes = results.at(-1)?.bytes ?? 0;
      console.log(
        `${path}: ${SEQUENTIAL} sequential, ${failed} non-200, ${summary(results.map((r) => r.ms))}, ${bytes} bytes`,
      );
    }
    await sleep(1_100); // let the cached verdict expire
    const started = Date.now();
    const burst = await Promise.all(
      Array.from({ length: BURST }, () => timedGet(`${base}/health/ready`)),
    );
    const failed = burst.filter((result) => result.status !== 200).length;
    console.log(
      `/health/ready burst: ${BURST} concurrent, ${failed} non-200, all answered in ${Date.now() - started} ms, ${summary(burst.map((r) => r.ms))}`,
    );
  } finally {
    server.kill('SIGTERM');
    await server.exited;
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * npm run bench:startup — time from process start to READY (the "started" line, after which
 * /health/ready answers 200) over RUNS starts against a warm embedded Postgres, and the idle RSS
 * of a ready server. Uses the built server (dist/, built by the npm script).
 *
 *   RUNS=10 npm run bench:startup
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServerProcess } from '../test/support/server-process';
import { median } from './statistics';

const RUNS = Number(process.env.RUNS ?? 10);
const ENV = {
  LOG_LEVEL: 'info',
  PORT: '0',
  EMBEDDED_PG_DATA_DIR: '.data/bench-startup/postgres',
  EMBEDDED_PG_PORT: '54351',
};

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

async function once(): Promise<{ readyMs: number; embeddedMs: number; rss: number }> {
  const spawnedAt = Date.now();
  const server = ServerProcess.start(ENV);
  const started = await server.waitFor((line) => line.msg === 'started', 60_000);
  const readyMs = Date.now() - spawnedAt;
  const steps = (started.steps as Array<{ step: string; ms: number }> | undefined) ?? [];
  const embeddedMs = steps.find((step) => step.step === 'database')?.ms ?? NaN;
  await sleep(1500);
  const rss = rssMb(server.pid);
  server.kill('SIGTERM');
  await server.exited;
  return { readyMs, embeddedMs, rss };
}

async function main(): Promise<void> {
  await once(); // warm-up: initialises the embedded cluster's data directory if it is new
  const results = [];
  for (let run = 0; run < RUNS; run += 1) {
    results.push(await once());
  }
  const ready = results.map((result) => result.readyMs);
  const database = results.map((result) => result.embeddedMs);
  const rss = results.map((result) => result.rss);
  console.log(`startup to READY over ${RUNS} runs (warm embedded Postgres):`);
  console.log(
    `  median ${median(ready)} ms, min ${Math.min(...ready)} ms, max ${Math.max(...ready)} ms`,
  );
  console.log(
    `  of which the database step (embedded start + connect): median ${median(database)} ms`,
  );
  console.log(`idle RSS 1.5 s after READY: median ${median(rss)} MB, max ${Math.max(...rss)} MB`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

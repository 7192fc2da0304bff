import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { haproxyDetectionMs, readHaproxy, readRepoFile } from '../test/support/deploy-manifests';
import { ensureHaproxy } from '../test/support/haproxy';
import { requestJson } from '../test/support/keep-alive-load';
import { type ReplicaRestart, RollingCluster } from '../test/support/rolling-cluster';
import { type SteadyRecord, readAndMessageRequests, SteadyLoad } from '../test/support/steady-load';

/**
 * `npm run bench:rolling`: what a rolling restart costs the clients of a real HAProxy running
 * deploy/haproxy.cfg, with the app's drain delay as deployed (twice HAProxy's detection time) and
 * with no drain delay, each with HAProxy's retries as configured and with every retry removed.
 * Two built replicas (dist/main.js or SERVER_ENTRY; this script builds nothing) on DATABASE_URL,
 * BENCH_WORKERS keep-alive clients (default 8) alternating GET /api/sessions/:id and POST
 * /api/sessions/:id/messages, BENCH_RUNS rolling restarts (default 3: each replica in turn).
 * A failure is any request not answered 2xx.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 8);
const DEPLOYED_DELAY_MS = 2 * haproxyDetectionMs(readHaproxy());

interface Scenario {
  label: string;
  drainDelayMs: number;
  retries: boolean;
}

/** deploy/haproxy.cfg with every retry removed: one connection attempt, no redispatch. */
function withoutRetries(source: string): string {
  const kept = source
    .split('\n')
    .filter(
      (line) =>
        !/^\s*(retries|retry-on|option redispatch|http-request disable-l7-retry)\b/.test(line),
    );
  const at = kept.findIndex((line) => /^\s*option httpchk\b/.test(line));
  kept.splice(at, 0, '    retries 0');
  return kept.join('\n');
}

function describeFailure(record: SteadyRecord): string {
  return `${record.method} ${record.status ?? record.error ?? '?'}`;
}

async function storedMessages(databaseUrl: string, sessionId: string): Promise<string[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const rows = await db.query<{ id: string }>('SELECT id FROM messages WHERE session_id = $1', [
      sessionId,
    ]);
    return rows.rows.map((row) => row.id);
  } finally {
    await db.end();
  }
}

async function runScenario(
  haproxyBinary: string,
  databaseUrl: string,
  scenario: Scenario,
): Promise<void> {
  const source = readRepoFile('deploy/haproxy.cfg');
  const cluster = await RollingCluster.start({
    haproxyBinary,
    env: { DATABASE_URL: databaseUrl, SHUTDOWN_DRAIN_DELAY_MS: String(scenario.drainDelayMs) },
    source: scenario.retries ? source : withoutRetries(source),
  });
  let load: SteadyLoad | undefined;
  try {
    const session = await requestJson(cluster.port, 'POST', '/api/sessions', { title: 'bench' });
    const sessionId = (session.body as { id: string }).id;
    load = SteadyLoad.start({
      port: cluster.port,
      workers: WORKERS,
      next: readAndMessageRequests(sessionId, 'bench'),
    });
    await sleep(500);
    const restarts: ReplicaRestart[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      for (const name of cluster.names) {
        restarts.push(await cluster.restart(name));
      }
    }
    await sleep(500);
    await load.stop();

    const perRestart = restarts.map((restart, index) => {
      const from = restart.signalledAt;
      const to = restarts[index + 1]?.signalledAt ?? Number.POSITIVE_INFINITY;
      return load?.failures.filter((record) => record.endedAt >= from && record.endedAt < to) ?? [];
    });
    const failures = load.failures;
    const acknowledged = load.records.filter(
      (record) => record.method === 'POST' && record.status === 201,
    ).length;
    const stored = (await storedMessages(databaseUrl, sessionId)).length;
    const kinds = new Map<string, number>();
    failures.forEach((record) =>
      kinds.set(describeFailure(record), (kinds.get(describeFailure(record)) ?? 0) + 1),
    );
    const median = (values: Array<number | undefined>): string => {
      const seen = values.filter((value): value is number => value !== undefined);
      const middle = [...seen].sort((a, b) => a - b)[Math.floor(seen.length / 2)];
      return middle === undefined ? 'never before the exit' : `median ${middle} ms`;
    };
    console.log(
      `${scenario.label}: ${restarts.length} replica restarts, ${load.records.length} requests, ` +
        `${failures.length} failed; per restart [${perRestart.map((list) => list.length).join(', ')}]` +
        (kinds.size > 0
          ? ` (${[...kinds].map(([kind, count]) => `${kind} ×${count}`).join(', ')})`
          : ''),
    );
    console.log(
      `  exits ${restarts.map((restart) => restart.exitCode).join(',')}; ` +
        `SIGTERM→DOWN ${median(restarts.map((restart) => restart.markedDownAfterMs))}, ` +
        `→exit ${median(restarts.map((restart) => restart.exitedAfterMs))}, ` +
        `→back UP ${median(restarts.map((restart) => restart.backUpAfterMs))}; ` +
        `messages acknowledged ${acknowledged}, stored ${stored}`,
    );
  } finally {
    await load?.stop();
    await cluster.stop();
  }
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl === undefined || databaseUrl === '') {
    throw new Error('DATABASE_URL is required (the replicas share it)');
  }
  const haproxyBinary = ensureHaproxy();
  const scenarios: Scenario[] = [
    {
      label: `drain delay ${DEPLOYED_DELAY_MS} ms, retries`,
      drainDelayMs: DEPLOYED_DELAY_MS,
      retries: true,
    },
    { label: 'drain delay 0, retries', drainDelayMs: 0, retries: true },
    {
      label: `drain delay ${DEPLOYED_DELAY_MS} ms, no retries`,
      drainDelayMs: DEPLOYED_DELAY_MS,
      retries: false,
    },
    { label: 'drain delay 0, no retries', drainDelayMs: 0, retries: false },
  ];
  console.log(
    `HAProxy deploy/haproxy.cfg, 2 replicas, ${WORKERS} keep-alive clients (GET + POST), ${RUNS} rolling restarts each`,
  );
  for (const scenario of scenarios) {
    await runScenario(haproxyBinary, databaseUrl, scenario);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { haproxyDetectionMs, readHaproxy, readRepoFile } from '../test/support/deploy-manifests';
import { ensureHaproxy } from '../test/support/haproxy';
import { requestJson } from '../test/support/keep-alive-load';
import { type ReplicaRestart, RollingCluster } from '../test/support/rolling-cluster';
import { type SteadyRecord, readAndMessageRequests, SteadyLoad } from '../test/support/steady-load';
import { listed, withoutRetries } from './rolling-shared';

/**
 * `npm run bench:rolling`: what a rolling restart costs the clients of a real HAProxy running
 * deploy/haproxy.cfg, with the app's drain delay as deployed (twice HAProxy's detection time) and
 * with no drain delay, each with HAProxy's retries as configured and with every retry removed.
 * Two built replicas (dist/main.js or SERVER_ENTRY; this script builds nothing) on DATABASE_URL,
 * BENCH_WORKERS keep-alive clients (default 8) alternating GET /api/sessions/:id and POST
 * /api/sessions/:id/messages, BENCH_RUNS rolling restarts (default 3: each replica in turn).
 * A failure is any request not answered 2xx.
 *
 * ROLLS=N is the soak mode: one scenario only — the drain delay as deployed, every retry and
 * redispatch removed — for N rolling restarts in a row (each replica in turn, N × 2 restarts),
 * reporting client-visible failures, whether every acknowledged message is stored exactly once,
 * and each replica's SIGTERM→exit time beyond the drain delay against the longest request.
 */
const ROLLS = process.env.ROLLS === undefined ? undefined : Number(process.env.ROLLS);
const RUNS = ROLLS ?? Number(process.env.BENCH_RUNS ?? 3);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 8);
const DEPLOYED_DELAY_MS = 2 * haproxyDetectionMs(readHaproxy());

interface Scenario {
  label: string;
  drainDelayMs: number;
  retries: boolean;
}

function describeFailure(record: SteadyRecord): string {
  return `${record.method} ${record.status ?? record.error ?? '?'}`;
}

/** Ids of the messages the load was answered 201 for. */
function acknowledgedIds(records: readonly SteadyRecord[]): string[] {
  return records
    .filter((record) => record.method === 'POST' && record.status === 201)
    .map((record) => (JSON.parse(record.body ?? '{}') as { id: string }).id);
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
    const acknowledgedList = acknowledgedIds(load.records);
    const acknowledged = acknowledgedList.length;
    const storedList = await storedMessages(databaseUrl, sessionId);
    const stored = storedList.length;
    const storedSet = new Set(storedList);
    const missing = acknowledgedList.filter((id) => !storedSet.has(id)).length;
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
        `${failures.length} failed; per restart ${listed(perRestart.map((list) => list.length))}` +
        (kinds.size > 0
          ? ` (${[...kinds].map(([kind, count]) => `${kind} ×${count}`).join(', ')})`
          : ''),
    );
    console.log(
      `  exit codes ${listed(restarts.map((restart) => restart.exitCode ?? 'signal'))}; ` +
        `SIGTERM→DOWN ${median(restarts.map((restart) => restart.markedDownAfterMs))}, ` +
        `→exit ${median(restarts.map((restart) => restart.exitedAfterMs))}, ` +
        `→back UP ${median(restarts.map((restart) => restart.backUpAfterMs))}; ` +
        `messages acknowledged ${acknowledged}, stored ${stored}, acknowledged but missing ${missing}`,
    );
    const beyondDelay = restarts
      .map((restart) => restart.exitedAfterMs - scenario.drainDelayMs)
      .sort((a, b) => a - b);
    // A reduce, not Math.max(...): a soak holds hundreds of thousands of records.
    const longestRequestMs = load.records.reduce(
      (longest, record) => Math.max(longest, record.endedAt - record.startedAt),
      0,
    );
    console.log(
      `  SIGTERM→exit beyond the ${scenario.drainDelayMs} ms drain delay: median ` +
        `${beyondDelay[Math.floor(beyondDelay.length / 2)]} ms, max ${beyondDelay[beyondDelay.length - 1]} ms; ` +
        `longest request ${longestRequestMs} ms (target: max ≤ longest request + 300 ms)`,
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
  const soak: Scenario = {
    label: `soak, drain delay ${DEPLOYED_DELAY_MS} ms, no retries`,
    drainDelayMs: DEPLOYED_DELAY_MS,
    retries: false,
  };
  const scenarios: Scenario[] =
    ROLLS !== undefined
      ? [soak]
      : [
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

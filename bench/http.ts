import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { BenchProcess, ROOT } from './http/bench-process';
import { renderChart, type ChartRow } from './http/chart';
import { heapAfterGcMb } from './http/heap-inspector';
import { loadRoute, ROUTE_LOADS, type Sample } from './http/load';
import { benchOptions, type Cell, type RouteName } from './http/options';
import { median } from './statistics';

/**
 * `npm run bench:http`: the built server (dist/main.js, production mode, LOG_LEVEL=info, the
 * offline assistant) against baselines this suite builds itself — a bare NestJS 11 / express app
 * with the same routes (bench/baselines/bare-nest.ts), a raw node:http server (raw-node.ts) and a
 * raw `pg` loop running the same statements over the same pool size (pg-loop.ts). Every figure is
 * measured in this one invocation, in alternating rounds (A B C, then C B A, ...), so that the
 * ratios stay meaningful on a machine other work is loading. Options: bench/http/options.ts.
 */
const options = benchOptions();
const OWNER_ID = '00000000-0000-4000-8000-000000000001';
const SESSIONS = 64;
const BENCH_DB = 'renovation_bench_http';
const runId = Date.now().toString(36);
const exec = promisify(execFile);

type Target = 'ours' | 'ref' | 'bare-nest' | 'bare-fastify' | 'raw-node' | 'raw-pg';

interface CellResult extends Cell {
  samples: Record<string, Sample[]>;
  medians: Record<string, { perSecond: number; p50: number; p99: number }>;
  ratios: Record<string, number>;
  /** POST cells: 201s counted by the client against rows found with the round's content. */
  rows?: Record<string, { answered: number; committed: number; answeredWithoutRow: number }>;
}

function databaseUrl(admin: string, name: string): string {
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

async function freshDatabase(): Promise<string> {
  const admin = new Client({ connectionString: options.adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${BENCH_DB}`);
  } finally {
    await admin.end();
  }
  return databaseUrl(options.adminUrl, BENCH_DB);
}

function serverEnv(db: string, runsEnabled: boolean): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: db,
    DB_MIGRATIONS_RUN: 'true',
    HEALTH_TOKEN: 'bench-http-health-token',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    LOCAL_OWNER_ID: OWNER_ID,
    // Anonymous requests as LOCAL_OWNER_ID (production turns authentication on by default).
    AUTH_ENABLED: 'false',
    // One load generator is one caller: the write limit (120 a minute by default) would answer
    // nearly every POST with a 429. Off here; its guard still runs on every request.
    RATE_LIMIT_PER_MINUTE: '0',
    AGENT_PROVIDER: 'offline',
    AGENT_RUNS_ENABLED: String(runsEnabled),
  };
}

const baselineEnv = (db: string): Record<string, string> => ({
  DATABASE_URL: db,
  PORT: '0',
  LOCAL_OWNER_ID: OWNER_ID,
  NODE_ENV: 'production',
});

const BASELINE_DIR = 'dist-bench/bench/baselines';

function startOurs(db: string, runsEnabled: boolean, entry = 'dist/main.js', flags: string[] = []) {
  return new BenchProcess('ours', [...flags, entry], serverEnv(db, runsEnabled));
}

async function createSessions(port: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < SESSIONS; i += 1) {
    const response = await fetch(`http://127.0.0.1:${port}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: `bench session ${i}` }),
    });
    if (response.status !== 201) {
      throw new Error(`creating a session answered ${response.status}: ${await response.text()}`);
    }
    ids.push(((await response.json()) as { id: string }).id);
  }
  return ids;
}

async function pgLoop(db: string, cell: Cell, ids: string[], content: string): Promise<Sample> {
  const query =
    cell.route === 'session' ? 'session' : cell.route === 'list' ? 'sessions' : 'insert';
  const { stdout } = await exec(process.execPath, [`${BASELINE_DIR}/pg-loop.js`], {
    cwd: ROOT,
    env: {
      ...baselineEnv(db),
      QUERY: query,
      CONNECTIONS: String(cell.connections),
      DURATION_S: String(options.durationS),
      SESSION_IDS: ids.join(','),
      CONTENT: content,
    },
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    completed: number;
    failed: number;
    perSecond: number;
    p50: number;
    p99: number;
  };
  return { ...result, ok: result.completed };
}

async function countRows(db: string, content: string): Promise<number> {
  const client = new Client({ connectionString: db });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM messages WHERE content = $1',
      [content],
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

function targetsFor(route: RouteName, withRef: boolean): Target[] {
  const servers: Target[] = [
    'ours',
    ...(withRef ? (['ref'] as const) : []),
    'bare-nest',
    ...(options.bareFastify ? (['bare-fastify'] as const) : []),
    'raw-node',
  ];
  return ROUTE_LOADS[route].usesSessions || route === 'list' ? [...servers, 'raw-pg'] : servers;
}

function summarise(cell: Cell, samples: Record<string, Sample[]>): CellResult {
  const medians: CellResult['medians'] = {};
  for (const [target, list] of Object.entries(samples)) {
    medians[target] = {
      perSecond: median(list.map((s) => s.perSecond)),
      p50: median(list.map((s) => s.p50)),
      p99: median(list.map((s) => s.p99)),
    };
  }
  const ours = medians.ours?.perSecond ?? NaN;
  const ratios: Record<string, number> = {};
  for (const [target, value] of Object.entries(medians)) {
    if (target !== 'ours') {
      ratios[`ours/${target}`] = ours / value.perSecond;
    }
  }
  return { ...cell, samples, medians, ratios };
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');

function printCell(result: CellResult): void {
  console.log(`\n${result.route} @ ${result.connections} connections`);
  for (const [target, value] of Object.entries(result.medians)) {
    const failed = (result.samples[target] ?? []).reduce((sum, s) => sum + s.failed, 0);
    console.log(
      `  ${target.padEnd(10)} ${fmt(value.perSecond).padStart(6)} /s  p50 ${fmt(value.p50, 1).padStart(6)} ms  p99 ${fmt(value.p99, 1).padStart(6)} ms${failed > 0 ? `  (${failed} failed)` : ''}`,
    );
  }
  console.log(
    `  ${Object.entries(result.ratios)
      .map(([name, ratio]) => `${name} ${fmt(ratio, 2)}×`)
      .join('  ')}`,
  );
  for (const [target, rows] of Object.entries(result.rows ?? {})) {
    console.log(
      `  rows ${target}: ${rows.answered} answered 201, ${rows.committed} committed, ${rows.answeredWithoutRow} answered without a row`,
    );
  }
}

async function measureStartup(
  db: string,
): Promise<Record<string, { readyMs: number[]; rssMb: number[] }>> {
  const result: Record<string, { readyMs: number[]; rssMb: number[] }> = {
    ours: { readyMs: [], rssMb: [] },
    'bare-nest': { readyMs: [], rssMb: [] },
  };
  for (let run = 0; run < options.startupRuns; run += 1) {
    const order = run % 2 === 0 ? ['ours', 'bare-nest'] : ['bare-nest', 'ours'];
    for (const name of order) {
      const server =
        name === 'ours'
          ? startOurs(db, false)
          : new BenchProcess('bare-nest', [`${BASELINE_DIR}/bare-nest.js`], baselineEnv(db));
      const { ms } = await server.started();
      await sleep(1500);
      result[name]?.readyMs.push(ms);
      result[name]?.rssMb.push(server.rssMb());
      await server.stop();
    }
  }
  return result;
}

async function soak(db: string, ids: string[]) {
  const server = startOurs(db, false, 'dist/main.js', ['--inspect=127.0.0.1:0']);
  const { port } = await server.started();
  const inspector = server.inspector;
  if (inspector === undefined) {
    throw new Error('the soak server printed no inspector address');
  }
  const mixed = async (seconds: number): Promise<void> => {
    const routes: RouteName[] = ['live', 'session', 'list', 'post'];
    await Promise.all(
      routes.map((route) =>
        loadRoute(port, route, {
          connections: 4,
          durationS: seconds,
          sessionIds: ids,
          content: `soak ${runId}`,
        }),
      ),
    );
  };
  await mixed(3);
  const heapStartMb = await heapAfterGcMb(inspector);
  const rssStartMb = server.rssMb();
  await mixed(options.soakS);
  await sleep(500);
  const heapEndMb = await heapAfterGcMb(inspector);
  const rssEndMb = server.rssMb();
  await server.stop();
  return {
    seconds: options.soakS,
    load: 'live, session, list and post at 4 connections each',
    heapAfterGcStartMb: heapStartMb,
    heapAfterGcEndMb: heapEndMb,
    heapGrowth: heapEndMb / heapStartMb - 1,
    rssStartMb,
    rssEndMb,
  };
}

async function main(): Promise<void> {
  const began = Date.now();
  const db = await freshDatabase();
  console.log(
    `bench:http on ${db.replace(/\/\/[^@]*@/, '//')}: ${options.cells.length} cells × ${options.rounds} rounds × ${options.durationS} s`,
  );

  const servers: Partial<Record<Target, BenchProcess>> = {};
  const stopAll = async (): Promise<void> => {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

  try {
    servers.ours = startOurs(db, false);
    const ports: Partial<Record<Target, number>> = { ours: (await servers.ours.started()).port };
    if (options.refEntry !== undefined) {
      servers.ref = startOurs(db, false, options.refEntry);
    }
    servers['bare-nest'] = new BenchProcess(
      'bare-nest',
      [`${BASELINE_DIR}/bare-nest.js`],
      baselineEnv(db),
    );
    if (options.bareFastify) {
      servers['bare-fastify'] = new BenchProcess(
        'bare-fastify',
        [`${BASELINE_DIR}/bare-nest-fastify.js`],
        baselineEnv(db),
      );
    }
    servers['raw-node'] = new BenchProcess(
      'raw-node',
      [`${BASELINE_DIR}/raw-node.js`],
      baselineEnv(db),
    );
    for (const name of ['ref', 'bare-nest', 'bare-fastify', 'raw-node'] as const) {
      const server = servers[name];
      if (server !== undefined) {
        ports[name] = (await server.started()).port;
      }
    }
    const ids = await createSessions(ports.ours ?? 0);
    await sleep(1000);
    const idleRssMb = Object.fromEntries(
      Object.entries(servers).map(([name, server]) => [name, server.rssMb()]),
    );
    console.log(
      `idle RSS: ${Object.entries(idleRssMb)
        .map(([name, mb]) => `${name} ${fmt(mb, 1)} MB`)
        .join(', ')}`,
    );

    const startup = options.startupRuns > 0 ? await measureStartup(db) : undefined;
    if (startup !== undefined) {
      const ours = median(startup.ours?.readyMs ?? []);
      const bare = median(startup['bare-nest']?.readyMs ?? []);
      console.log(
        `startup to READY (median of ${options.startupRuns}): ours ${fmt(ours)} ms, bare Nest ${fmt(bare)} ms, ratio ${fmt(ours / bare, 2)}×`,
      );
    }

    const cells: CellResult[] = [];
    const warmed = new Set<string>();
    // The assistant's runs keep working after their cell: that cell goes last.
    const ordered = [...options.cells].sort(
      (a, b) => Number(a.route === 'post-agent') - Number(b.route === 'post-agent'),
    );
    for (const cell of ordered) {
      // The assistant's cell runs against instances with runs on (the ref build's too).
      const agents: BenchProcess[] = [];
      const cellPorts = { ...ports };
      if (cell.route === 'post-agent') {
        const agent = startOurs(db, true);
        agents.push(agent);
        cellPorts.ours = (await agent.started()).port;
        if (options.refEntry !== undefined) {
          const refAgent = startOurs(db, true, options.refEntry);
          agents.push(refAgent);
          cellPorts.ref = (await refAgent.started()).port;
        }
      }
      const targets = targetsFor(cell.route, servers.ref !== undefined);
      const samples: Record<string, Sample[]> = Object.fromEntries(targets.map((t) => [t, []]));
      const rows: NonNullable<CellResult['rows']> = {};
      const isPost = ROUTE_LOADS[cell.route].method === 'POST';
      for (let round = 0; round < options.rounds; round += 1) {
        const order = round % 2 === 0 ? targets : [...targets].reverse();
        for (const target of order) {
          const content = `bench ${runId} ${cell.route} ${cell.connections} ${target} ${round}`;
          const key = `${target} ${cell.route}`;
          if (target !== 'raw-pg' && !warmed.has(key)) {
            await loadRoute(cellPorts[target] ?? 0, cell.route, {
              connections: cell.connections,
              durationS: options.warmupS,
              sessionIds: ids,
              content: `warm-up ${runId}`,
            });
            warmed.add(key);
          }
          const sample =
            target === 'raw-pg'
              ? await pgLoop(db, cell, ids, content)
              : await loadRoute(cellPorts[target] ?? 0, cell.route, {
                  connections: cell.connections,
                  durationS: options.durationS,
                  sessionIds: ids,
                  content,
                });
          samples[target]?.push(sample);
          if (isPost) {
            const committed = await countRows(db, content);
            const seen = rows[target] ?? { answered: 0, committed: 0, answeredWithoutRow: 0 };
            seen.answered += sample.ok;
            seen.committed += committed;
            seen.answeredWithoutRow += Math.max(0, sample.ok - committed);
            rows[target] = seen;
          }
        }
      }
      await Promise.all(agents.map((agent) => agent.stop()));
      const result = { ...summarise(cell, samples), ...(isPost ? { rows } : {}) };
      printCell(result);
      cells.push(result);
    }

    const soakResult = options.soakS > 0 ? await soak(db, ids) : undefined;
    if (soakResult !== undefined) {
      console.log(
        `\nsoak ${soakResult.seconds} s: heap after GC ${fmt(soakResult.heapAfterGcStartMb, 1)} MB → ${fmt(soakResult.heapAfterGcEndMb, 1)} MB (${fmt(soakResult.heapGrowth * 100, 1)} %), RSS ${fmt(soakResult.rssStartMb, 1)} → ${fmt(soakResult.rssEndMb, 1)} MB`,
      );
    }

    const measuredAt = new Date().toISOString();
    const report = {
      measuredAt,
      node: process.version,
      options: { ...options, adminUrl: undefined },
      idleRssMb,
      startup,
      cells,
      soak: soakResult,
      wallSeconds: (Date.now() - began) / 1000,
    };
    mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
    const name = process.env.RESULTS_NAME ?? 'http-latest';
    writeFileSync(
      resolve(ROOT, `bench/results/${name}.json`),
      JSON.stringify(report, null, 2) + '\n',
    );
    const chartRows: ChartRow[] = cells.map((cell) => ({
      label: `${cell.route} @ ${cell.connections}`,
      bars: Object.entries(cell.medians).map(([target, value]) => ({
        target,
        perSecond: value.perSecond,
        p99: value.p99,
      })),
    }));
    writeFileSync(
      resolve(ROOT, name === 'http-latest' ? 'bench/http-chart.svg' : `bench/results/${name}.svg`),
      renderChart(
        chartRows,
        `${measuredAt.slice(0, 16)} UTC, Node ${process.version}, medians of ${options.rounds} alternating rounds of ${options.durationS} s; 2-core machine shared with other work`,
      ),
    );
    console.log(`\nwrote bench/results/${name}.json and the chart in ${fmt(report.wallSeconds)} s`);
  } finally {
    await stopAll();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

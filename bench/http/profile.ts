import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { BenchProcess, ROOT } from './bench-process';
import { loadRoute } from './load';
import type { RouteName } from './options';

/**
 * `npm run bench:http:profile`: the built server under `node --cpu-prof`, loaded on one route
 * (ROUTE, default live; CONNECTIONS, default 16; DURATION_S, default 10), then self time summed by
 * package (node_modules/<package>, the app's own dist/, Node internals, GC) and the top functions.
 * DATABASE_URL: the admin URL of the machine's Postgres (a scratch database is created).
 * PROFILE_ENTRY profiles another build; LOG_LEVEL defaults to info as in the suite.
 */
const ROUTE = (process.env.ROUTE ?? 'live') as RouteName;
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 16);
const DURATION_S = Number(process.env.DURATION_S ?? 10);
const ENTRY = process.env.PROFILE_ENTRY ?? 'dist/main.js';
const DIR = resolve(ROOT, 'dist-bench/profiles');

interface ProfileNode {
  id: number;
  hitCount?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** The package a script belongs to: `node_modules/@scope/name`, the app, or Node itself. */
export function packageOf(url: string, functionName: string): string {
  if (url === '') {
    return functionName.startsWith('(') ? functionName : 'native';
  }
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [first = '', second = ''] = url.slice(modules + 'node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  if (url.startsWith('node:')) {
    return 'node (internals)';
  }
  const dist = /\/dist\/(.*)$/.exec(url);
  return dist ? `app: ${dist[1]?.split('/').slice(0, 2).join('/')}` : url;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time by package and by function, counting only the samples taken in [fromUs, toUs] of the
 * profile's clock: the load window, without module loading at startup or the shutdown.
 */
export function summarise(
  profile: CpuProfile,
  fromUs: number,
  toUs: number,
): {
  total: number;
  byPackage: Array<[string, number]>;
  byFunction: Array<[string, number]>;
} {
  const hitsById = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= fromUs && at <= toUs) {
      hitsById.set(id, (hitsById.get(id) ?? 0) + 1);
    }
  });
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = hitsById.get(node.id) ?? 0;
    if (hits === 0) {
      continue;
    }
    total += hits;
    const { url, functionName, lineNumber } = node.callFrame;
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
    const fn = `${functionName || '(anonymous)'} ${pkg}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
  }
  const sorted = (map: Map<string, number>): Array<[string, number]> =>
    [...map.entries()].sort((a, b) => b[1] - a[1]);
  return { total, byPackage: sorted(byPackage), byFunction: sorted(byFunction) };
}

async function main(): Promise<void> {
  const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new Client({ connectionString: admin });
  await client.connect();
  await client.query('DROP DATABASE IF EXISTS renovation_bench_profile WITH (FORCE)');
  await client.query('CREATE DATABASE renovation_bench_profile');
  await client.end();
  const url = new URL(admin);
  url.pathname = '/renovation_bench_profile';

  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const server = new BenchProcess('ours', ['--cpu-prof', `--cpu-prof-dir=${DIR}`, ENTRY], {
    NODE_ENV: 'production',
    DATABASE_URL: url.toString(),
    DB_MIGRATIONS_RUN: 'true',
    HEALTH_TOKEN: 'bench-http-health-token',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    // Anonymous requests (production turns authentication on by default).
    AUTH_ENABLED: 'false',
    // One load generator is one caller: the write limit (120 a minute by default) would answer
    // nearly every POST with a 429. Off here; its guard still runs on every request.
    RATE_LIMIT_PER_MINUTE: '0',
    AGENT_PROVIDER: 'offline',
    AGENT_RUNS_ENABLED: 'false',
  });
  const { port } = await server.started();
  const ids: string[] = [];
  for (let i = 0; i < 16; i += 1) {
    const response = await fetch(`http://127.0.0.1:${port}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: `profile ${i}` }),
    });
    ids.push(((await response.json()) as { id: string }).id);
  }
  const sample = await loadRoute(port, ROUTE, {
    connections: CONNECTIONS,
    durationS: DURATION_S,
    sessionIds: ids,
    content: 'profile',
  });
  const stopping = performance.now();
  await server.stop();
  const stopUs = (performance.now() - stopping) * 1000;
  const file = readdirSync(DIR).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) {
    throw new Error('the server wrote no .cpuprofile');
  }
  const profile = JSON.parse(readFileSync(resolve(DIR, file), 'utf8')) as CpuProfile;
  const loadEndUs = profile.endTime - stopUs;
  const { total, byPackage, byFunction } = summarise(
    profile,
    loadEndUs - DURATION_S * 1e6,
    loadEndUs,
  );
  const pct = (hits: number): string => `${((hits / total) * 100).toFixed(1).padStart(5)} %`;
  console.log(
    `${ROUTE} @ ${CONNECTIONS} connections for ${DURATION_S} s: ${sample.perSecond.toFixed(0)} /s, p99 ${sample.p99} ms; ${total} samples in the load window, profile ${resolve(DIR, file)}`,
  );
  console.log('\nself time by package:');
  byPackage.slice(0, 25).forEach(([name, hits]) => console.log(`  ${pct(hits)}  ${name}`));
  console.log('\ntop functions (self):');
  byFunction.slice(0, 30).forEach(([name, hits]) => console.log(`  ${pct(hits)}  ${name}`));
}

if (require.main === module) {
  void main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  healthAndMessageRequests,
  judgeLoad,
  KeepAliveLoad,
  type RequestRecord,
  requestJson,
} from '../test/support/keep-alive-load';
import { LiveEventSource, LiveSocket } from '../test/support/live-clients';
import { ServerProcess } from '../test/support/server-process';
import { readAndMessageRequests } from '../test/support/steady-load';
import { median } from './statistics';

/**
 * `npm run bench:drain`: SIGTERM under load, BENCH_RUNS times, against the built server
 * (dist/main.js, or SERVER_ENTRY). Prints lost / completed / refused / cut and SIGTERM-to-exit
 * times, and draws the last run's timeline around the signal to bench/drain-timeline.svg.
 *
 * BENCH_SCENARIO=direct (the default): 32 keep-alive clients talking to the instance directly (no
 * drain delay), reading a session and posting messages with trickled bodies, reconnecting at once
 * when told `Connection: close`, with an SSE stream and a socket.io client open. Each run is paired
 * with the same run against bench/reference-drain-server.ts (plain node:http, the plainest drain
 * there is), interleaved, and the ratio of the SIGTERM→exit medians is printed.
 *
 * BENCH_SCENARIO=balanced: clients that stop when told `Connection: close`, as behind a load
 * balancer (health GETs and trickled POSTs), no reference. SHUTDOWN_* variables are passed
 * through to the server, e.g. SHUTDOWN_IDLE_SOCKET_GRACE_MS=0 to see what closing idle sockets
 * at once costs.
 *
 * DATABASE_URL: the database the servers use (required).
 */
const SCENARIO = process.env.BENCH_SCENARIO === 'balanced' ? 'balanced' : 'direct';
const RUNS = Number(process.env.BENCH_RUNS ?? (SCENARIO === 'direct' ? 20 : 10));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const REFERENCE: [string, string[]] = [
  process.execPath,
  ['-r', 'ts-node/register/transpile-only', resolve(__dirname, 'reference-drain-server.ts')],
];

interface RunResult {
  records: RequestRecord[];
  signalledAt: number;
  exitedAt: number;
  code: number | null;
  lost: number;
  completed: number;
  refused: number;
  serverErrors: number;
  cut: number;
  keptAlive: number;
  /** Lost requests by how they were lost: outcome, and whether on a reused or a fresh connection. */
  lostKinds: Map<string, number>;
}

function lostKinds(lost: readonly RequestRecord[]): Map<string, number> {
  const kinds = new Map<string, number>();
  for (const record of lost) {
    const kind = `${record.outcome} on a ${record.reusedSocket ? 'reused' : 'fresh'} connection`;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return kinds;
}

async function runOnce(databaseUrl: string, reference: boolean): Promise<RunResult> {
  const passThrough = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[0].startsWith('SHUTDOWN_') && entry[1] !== undefined,
    ),
  );
  const direct = SCENARIO === 'direct';
  const server = ServerProcess.start(
    {
      DATABASE_URL: databaseUrl,
      PORT: '0',
      ...passThrough,
      ...(direct ? { SHUTDOWN_DRAIN_DELAY_MS: '0' } : {}),
    },
    reference ? REFERENCE : undefined,
  );
  const port = await server.started();
  const base = `http://127.0.0.1:${port}`;
  const session = await requestJson(port, 'POST', '/api/sessions', { title: 'bench drain' });
  const sessionId = (session.body as { id: string }).id;
  const sse = direct ? new LiveEventSource(`${base}/api/sessions/${sessionId}/events`) : undefined;
  const socket = direct ? await LiveSocket.connect(base) : undefined;
  await sse?.waitFor('snapshot');
  await socket?.request('session:join', { sessionId });
  const load = KeepAliveLoad.start({
    port,
    connections: CONNECTIONS,
    trickleMs: 300,
    reconnect: direct,
    next: direct
      ? readAndMessageRequests(sessionId, 'bench')
      : healthAndMessageRequests(sessionId, 'bench'),
  });
  await load.untilResponses(300);
  const signalledAt = Date.now();
  server.kill('SIGTERM');
  const { code } = await server.exited;
  const exitedAt = Date.now();
  await load.finished();
  sse?.close();
  socket?.close();
  const started = server.lines.find((line) => String(line.msg).startsWith('shutdown started'));
  const summary = server.lines.find((line) => String(line.msg).startsWith('shutdown complete'));
  const verdict = judgeLoad(load.records, Number(started?.time ?? signalledAt));
  return {
    records: load.records,
    signalledAt,
    exitedAt,
    code,
    lost: verdict.lost.length,
    completed: verdict.completed,
    refused: verdict.refused,
    serverErrors: load.records.filter((record) => (record.status ?? 0) >= 500).length,
    cut: Number(summary?.requestsCut ?? 0),
    keptAlive: verdict.keptAliveAfterDrain.length,
    lostKinds: lostKinds(verdict.lost),
  };
}

const OUTCOME_COLOURS: Record<string, string> = {
  response: '#2e7d32',
  refused: '#9e9e9e',
  reset: '#c62828',
  hangup: '#c62828',
  aborted: '#c62828',
  timeout: '#c62828',
  error: '#c62828',
};

/** Hand-rolled SVG: client-side in-flight count over time, and each outcome as a dot. */
function timelineSvg(run: RunResult): string {
  const from = run.signalledAt - 1000;
  const to = run.exitedAt + 300;
  const width = 900;
  const height = 360;
  const plot = { left: 60, right: width - 20, top: 30, bottom: 260 };
  const x = (t: number): number =>
    plot.left + ((t - from) / (to - from)) * (plot.right - plot.left);
  const events = run.records
    .flatMap((record) => [
      { t: record.startedAt, delta: 1 },
      { t: record.endedAt, delta: -1 },
    ])
    .sort((a, b) => a.t - b.t);
  let level = 0;
  const steps: Array<[number, number]> = [];
  for (const event of events) {
    level += event.delta;
    if (event.t >= from && event.t <= to) {
      steps.push([event.t, level]);
    }
  }
  const peak = Math.max(CONNECTIONS, ...steps.map(([, value]) => value));
  const y = (value: number): number => plot.bottom - (value / peak) * (plot.bottom - plot.top);
  const path = steps
    .map(
      ([t, value], index) => `${index === 0 ? 'M' : 'L'}${x(t).toFixed(1)},${y(value).toFixed(1)}`,
    )
    .join(' ');
  const dots = run.records
    .filter((record) => record.endedAt >= from && record.endedAt <= to)
    .map((record) => {
      const row = record.outcome === 'response' ? 285 : record.outcome === 'refused' ? 305 : 325;
      return `<circle cx="${x(record.endedAt).toFixed(1)}" cy="${row}" r="2" fill="${OUTCOME_COLOURS[record.outcome] ?? '#000'}"/>`;
    })
    .join('');
  const ticks = Array.from(
    { length: Math.floor((to - from) / 500) + 1 },
    (_, index) => from + index * 500,
  )
    .map(
      (t) =>
        `<text x="${x(t).toFixed(1)}" y="350" font-size="10" text-anchor="middle">${t - run.signalledAt} ms</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${plot.left}" y="18" font-size="13">In-flight requests (client side) around SIGTERM; ${run.completed} answered, ${run.lost} lost, ${run.refused} refused after the listener closed</text>
<line x1="${plot.left}" y1="${plot.bottom}" x2="${plot.right}" y2="${plot.bottom}" stroke="#000"/>
<text x="${plot.left - 8}" y="${y(peak) + 4}" font-size="10" text-anchor="end">${peak}</text>
<text x="${plot.left - 8}" y="${plot.bottom + 4}" font-size="10" text-anchor="end">0</text>
<path d="${path}" fill="none" stroke="#1565c0" stroke-width="1.5"/>
<line x1="${x(run.signalledAt)}" y1="${plot.top}" x2="${x(run.signalledAt)}" y2="330" stroke="#ef6c00" stroke-dasharray="4 3"/>
<text x="${x(run.signalledAt) + 4}" y="${plot.top + 10}" font-size="11" fill="#ef6c00">SIGTERM</text>
<line x1="${x(run.exitedAt)}" y1="${plot.top}" x2="${x(run.exitedAt)}" y2="330" stroke="#6a1b9a" stroke-dasharray="4 3"/>
<text x="${x(run.exitedAt) + 4}" y="${plot.top + 10}" font-size="11" fill="#6a1b9a">exit ${run.code}</text>
<text x="4" y="288" font-size="10" fill="${OUTCOME_COLOURS.response}">answered</text>
<text x="4" y="308" font-size="10" fill="${OUTCOME_COLOURS.refused}">refused</text>
<text x="4" y="328" font-size="10" fill="${OUTCOME_COLOURS.reset}">lost</text>
${dots}${ticks}
</svg>
`;
}

function report(label: string, runs: readonly RunResult[]): number {
  const exitMs = runs.map((run) => run.exitedAt - run.signalledAt);
  const total = (pick: (run: RunResult) => number): number =>
    runs.reduce((sum, run) => sum + pick(run), 0);
  const exitMedian = median(exitMs);
  console.log(
    `${label}: ${runs.length} runs, ${CONNECTIONS} keep-alive connections: lost ${total((run) => run.lost)}, ` +
      `5xx ${total((run) => run.serverErrors)}, completed ${total((run) => run.completed)}, ` +
      `refused ${total((run) => run.refused)}, cut ${total((run) => run.cut)}, ` +
      `runs with a loss ${runs.filter((run) => run.lost > 0).length}${describeKinds(runs)}, ` +
      `non-zero exits ${runs.filter((run) => run.code !== 0).length}; ` +
      `SIGTERM→exit median ${exitMedian} ms, min ${Math.min(...exitMs)} ms, max ${Math.max(...exitMs)} ms`,
  );
  return exitMedian;
}

function describeKinds(runs: readonly RunResult[]): string {
  const all = new Map<string, number>();
  runs.forEach((run) =>
    run.lostKinds.forEach((count, kind) => all.set(kind, (all.get(kind) ?? 0) + count)),
  );
  return all.size === 0
    ? ''
    : ` (${[...all].map(([kind, count]) => `${kind} ×${count}`).join(', ')})`;
}

function describeRun(label: string, run: RunResult): string {
  return (
    `${label} exit ${run.code} in ${run.exitedAt - run.signalledAt} ms; lost ${run.lost}, ` +
    `5xx ${run.serverErrors}, completed ${run.completed}, refused ${run.refused}, cut ${run.cut}`
  );
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl === undefined || databaseUrl === '') {
    throw new Error('set DATABASE_URL to the database the benchmarked server should use');
  }
  const ours: RunResult[] = [];
  const reference: RunResult[] = [];
  for (let index = 0; index < RUNS; index += 1) {
    const run = await runOnce(databaseUrl, false);
    ours.push(run);
    let line = `run ${index + 1}/${RUNS} (${SCENARIO}): ${describeRun('ours', run)}`;
    if (SCENARIO === 'direct') {
      const baseline = await runOnce(databaseUrl, true);
      reference.push(baseline);
      line += ` | ${describeRun('reference', baseline)}`;
    }
    console.log(line);
  }
  console.log('');
  const oursMedian = report(`ours (${SCENARIO})`, ours);
  if (reference.length > 0) {
    const referenceMedian = report('reference node:http drain', reference);
    console.log(
      `SIGTERM→exit median ratio ours / reference: ${(oursMedian / referenceMedian).toFixed(2)}×`,
    );
  }
  const last = ours[ours.length - 1];
  if (last !== undefined) {
    const file = resolve(__dirname, 'drain-timeline.svg');
    writeFileSync(file, timelineSvg(last));
    console.log(`timeline of the last run: ${file}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

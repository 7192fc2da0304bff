/**
 * npm run bench:agent — the assistant's streaming, measured end to end across replicas. Two built
 * servers (SERVER_ENTRY, default dist/main.js; this script builds nothing) on a fresh database
 * created on BENCH_PG_URL's server (dropped afterwards): A answers runs (the offline assistant at
 * TOKENS_PER_S), B only serves clients, so every delta reaches B's clients through Postgres NOTIFY.
 *
 * Replies: CONVERSATIONS sessions, each watched by one socket.io client on A and one on B (the
 * first STREAMS also by an SSE stream on B); one user message per session posted through A, all at
 * once; every reply awaited for at most REPLY_TIMEOUT_MS. Reported: time to first token, the
 * cross-replica fan-out cost per delta, whether each client rebuilt each reply exactly, and A's and
 * B's CPU time per streamed token.
 *
 * Sweep: for each count in SWEEP, that many sessions keep one reply streaming each (a new message
 * as soon as the last reply completed) while a separate connection times a small write carrying a
 * pg_notify, and the same write without one, every PROBE_INTERVAL_MS for STEP_MS: how commit
 * latency grows with the message.delta NOTIFY rate (counted by this script's own LISTEN).
 *
 *   CONVERSATIONS=50 TOKENS_PER_S=20 SWEEP=0,3,10,25,50,100 npm run bench:agent
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { AGENT_EVENTS_CHANNEL } from '../src/agent/events/agent-event';
import { DOMAIN_EVENTS_CHANNEL } from '../src/sessions/events/domain-events-channel';
import { createDatabase } from '../test/support/create-database';
import {
  eventually,
  LiveEventSource,
  LiveSocket,
  type ReceivedEvent,
} from '../test/support/live-clients';
import { ServerProcess } from '../test/support/server-process';
import { postCreated } from '../test/support/post-created';
import { percentile } from './statistics';

const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? 50);
const STREAMS = Number(process.env.STREAMS ?? 5);
const TOKENS_PER_S = Number(process.env.TOKENS_PER_S ?? 20);
const REPLY_TIMEOUT_MS = Number(process.env.REPLY_TIMEOUT_MS ?? 60_000);
const SWEEP = (process.env.SWEEP ?? '0,3,10,25,50,100').split(',').map(Number);
const STEP_MS = Number(process.env.STEP_MS ?? 6000);
const PROBE_INTERVAL_MS = Number(process.env.PROBE_INTERVAL_MS ?? 10);
/** The sweep's measuring starts this long after its messages are posted: every run streaming. */
const RAMP_MS = 1500;
/** Mentions two topics, so the offline reply is a few lines long (about 5 s at 20 tokens/s). */
const USER_MESSAGE = 'We want a new kitchen and to redo the bathroom tiles.';
/** AGENT_CONCURRENCY's maximum (src/config/env.schema.ts). */
const MAX_CONCURRENCY = 100;
const PROBE_CHANNEL = 'bench_probe';
const CLOCK_TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

interface Delta {
  runId: string;
  attempt: number;
  offset: number;
  text: string;
}

interface Run {
  outputTokens: number | null;
  createdAt: string;
  startedAt: string | null;
  firstTokenAt: string | null;
}

interface Conversation {
  sessionId: string;
  onA: LiveSocket;
  onB: LiveSocket;
  streams: LiveEventSource[];
}

/** When each delta (by run, attempt and offset) first arrived at one kind of observer. */
type Arrivals = Map<string, number>;

const deltaKey = (delta: Delta): string => `${delta.runId}:${delta.attempt}:${delta.offset}`;

/**
 * This script's own LISTEN on the servers' channels: it hears every NOTIFY about when the servers'
 * listeners do, so it counts the delta rate (and all NOTIFYs: runs starting and ending, messages)
 * and marks when each delta left Postgres.
 */
class NotifyWatch {
  deltas = 0;
  notifies = 0;
  readonly arrivals: Arrivals = new Map();
  /** When each probe write's own NOTIFY was heard, by the probe row's id. */
  readonly probesHeard = new Map<string, number>();
  private readonly completedWaiters = new Map<string, () => void>();

  private constructor(readonly client: Client) {
    client.on('notification', (notification) => {
      if (notification.channel === PROBE_CHANNEL) {
        this.probesHeard.set(notification.payload ?? '', performance.now());
        return;
      }
      this.notifies += 1;
      if (notification.channel !== AGENT_EVENTS_CHANNEL) {
        return;
      }
      const event = JSON.parse(notification.payload ?? '{}') as Delta & {
        type: string;
        sessionId: string;
      };
      if (event.type === 'message.delta') {
        this.deltas += 1;
        this.arrivals.set(deltaKey(event), performance.now());
      } else if (event.type === 'run.completed' || event.type === 'run.failed') {
        this.completedWaiters.get(event.sessionId)?.();
      }
    });
  }

  static async listen(url: string): Promise<NotifyWatch> {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query(
      `LISTEN ${AGENT_EVENTS_CHANNEL}; LISTEN ${DOMAIN_EVENTS_CHANNEL}; LISTEN ${PROBE_CHANNEL}`,
    );
    return new NotifyWatch(client);
  }

  /** Resolves when a run of `sessionId` next ends (one waiter per session at a time). */
  nextRunEnd(sessionId: string): Promise<void> {
    return new Promise((resolve) => this.completedWaiters.set(sessionId, resolve));
  }
}

/** utime + stime of a process, in ms (fields 14 and 15 of /proc/<pid>/stat, after the name). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}

function recordDeltas(socket: LiveSocket, arrivals: Arrivals): void {
  socket.socket.on('message.delta', (delta: Delta) => {
    const key = deltaKey(delta);
    if (!arrivals.has(key)) {
      arrivals.set(key, performance.now());
    }
  });
}

async function openConversation(
  urlA: string,
  urlB: string,
  withStream: boolean,
  arrivals: { onA: Arrivals; onB: Arrivals },
): Promise<Conversation> {
  const session = await postCreated<{ id: string }>(`${urlA}/api/sessions`, { title: 'bench' });
  const [onA, onB] = await Promise.all([LiveSocket.connect(urlA), LiveSocket.connect(urlB)]);
  await Promise.all([
    onA.request('session:join', { sessionId: session.id }),
    onB.request('session:join', { sessionId: session.id }),
  ]);
  recordDeltas(onA, arrivals.onA);
  recordDeltas(onB, arrivals.onB);
  const streams: LiveEventSource[] = [];
  if (withStream) {
    const stream = new LiveEventSource(`${urlB}/api/sessions/${session.id}/events`);
    await stream.waitFor('snapshot');
    streams.push(stream);
  }
  return { sessionId: session.id, onA, onB, streams };
}

interface Rebuilt {
  completed: boolean;
  exact: boolean;
  gaps: number;
  duplicates: number;
  tailChars: number;
}

/**
 * Rebuilds the reply the way docs/live-events.md tells a client to — deltas by offset, a new
 * run.started attempt continuing from its resumeOffset — and compares it with the stored
 * assistant message (`tailChars`: what the deltas never carried).
 */
function rebuild(received: readonly ReceivedEvent[]): Rebuilt {
  let text = '';
  let attempt = 0;
  let gaps = 0;
  let duplicates = 0;
  for (const { event, data } of received) {
    if (event === 'run.started') {
      const started = data as { attempt: number; resumeOffset: number };
      attempt = started.attempt;
      text = text.slice(0, started.resumeOffset);
    } else if (event === 'message.delta') {
      const delta = data as Delta;
      if (delta.attempt !== attempt) {
        continue;
      }
      if (delta.offset > text.length) {
        gaps += 1;
      } else if (delta.offset + delta.text.length <= text.length) {
        duplicates += 1;
      } else {
        text += delta.text.slice(text.length - delta.offset);
      }
    }
  }
  const reply = received
    .filter((entry) => entry.event === 'message.created')
    .map((entry) => entry.data as { role: string; content: string })
    .find((message) => message.role === 'assistant');
  return {
    completed: reply !== undefined,
    exact: reply !== undefined && reply.content.startsWith(text),
    gaps,
    duplicates,
    tailChars: reply === undefined ? 0 : reply.content.length - text.length,
  };
}

/** The q-th percentile of unsorted values. */
function quantile(values: readonly number[], q: number): number {
  return percentile(
    [...values].sort((x, y) => x - y),
    q,
  );
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

function summarise(values: number[]): string {
  return (
    `p50 ${ms(quantile(values, 50))}, p99 ${ms(quantile(values, 99))}, ` +
    `max ${ms(Math.max(...values))} (n=${values.length})`
  );
}

/** Later arrival minus earlier, for every delta both observers saw. */
function differences(later: Arrivals, earlier: Arrivals): number[] {
  return [...later].flatMap(([key, at]) => {
    const before = earlier.get(key);
    return before === undefined ? [] : [at - before];
  });
}

/** Time between one run's consecutive deltas at the client (the ~50 ms coalescing, plus jitter). */
function intervalsPerRun(arrivals: Arrivals): number[] {
  const byRun = new Map<string, Array<[number, number]>>();
  for (const [key, at] of arrivals) {
    const [runId, attempt, offset] = key.split(':');
    const run = `${runId}:${attempt}`;
    byRun.set(run, [...(byRun.get(run) ?? []), [Number(offset), at]]);
  }
  return [...byRun.values()].flatMap((deltas) =>
    deltas
      .sort((x, y) => x[0] - y[0])
      .slice(1)
      .map(([, at], index) => at - deltas[index]![1]),
  );
}

function firstDeltaAt(socket: LiveSocket, arrivals: Arrivals): number | undefined {
  const first = socket.events<Delta>('message.delta')[0];
  return first === undefined ? undefined : arrivals.get(deltaKey(first));
}

async function runsOf(url: string, sessionId: string): Promise<Run[]> {
  const response = await fetch(`${url}/api/sessions/${sessionId}/runs`);
  return (await response.json()) as Run[];
}

interface Streamed {
  postedAt: Map<Conversation, number>;
  elapsedMs: number;
  inTime: boolean;
  /** CPU ms each server used from the first POST to the last reply (or the timeout). */
  cpu: { a: number; b: number };
}

/** Posts one user message per conversation through A, all at once, and waits for every reply. */
async function postAllAndWait(
  urlA: string,
  conversations: Conversation[],
  pids: { a: number; b: number },
): Promise<Streamed> {
  const cpuBefore = { a: cpuMs(pids.a), b: cpuMs(pids.b) };
  const started = performance.now();
  const postedAt = new Map<Conversation, number>();
  await Promise.all(
    conversations.map((conversation) => {
      postedAt.set(conversation, performance.now());
      return postCreated(`${urlA}/api/sessions/${conversation.sessionId}/messages`, {
        content: USER_MESSAGE,
      });
    }),
  );
  const allDone = (): boolean =>
    conversations.every((c) => c.onB.events('run.completed').length > 0);
  const inTime = await eventually(allDone, 'every reply', REPLY_TIMEOUT_MS).then(
    () => true,
    () => false,
  );
  return {
    postedAt,
    elapsedMs: performance.now() - started,
    inTime,
    cpu: { a: cpuMs(pids.a) - cpuBefore.a, b: cpuMs(pids.b) - cpuBefore.b },
  };
}

function rebuildSummary(conversations: Conversation[]): string {
  const sockets = conversations.flatMap((c) => [c.onA, c.onB]);
  const streams = conversations.flatMap((c) => c.streams);
  const rebuilt = [...sockets, ...streams].map((client) => rebuild(client.received));
  const sum = (field: 'gaps' | 'duplicates' | 'tailChars'): number =>
    rebuilt.reduce((total, r) => total + r[field], 0);
  return (
    `rebuilt exactly: ${rebuilt.filter((r) => r.completed && r.exact).length}/${rebuilt.length} ` +
    `clients (${sockets.length} socket.io, ${streams.length} SSE); gaps ${sum('gaps')}, ` +
    `duplicates ${sum('duplicates')}, unflushed tail ${sum('tailChars')} chars in all`
  );
}

/** The replies: one per conversation, all posted at once through A, as each client saw them. */
async function measureReplies(
  urlA: string,
  conversations: Conversation[],
  arrivals: { onA: Arrivals; onB: Arrivals; postgres: Arrivals },
  pids: { a: number; b: number },
): Promise<void> {
  const { postedAt, elapsedMs, inTime, cpu } = await postAllAndWait(urlA, conversations, pids);
  const firstTokens = conversations.flatMap((c) => {
    const at = firstDeltaAt(c.onB, arrivals.onB);
    return at === undefined ? [] : [at - postedAt.get(c)!];
  });
  const runs = (await Promise.all(conversations.map((c) => runsOf(urlA, c.sessionId)))).flat();
  const sinceCreated = (at: string | null, run: Run): number[] =>
    at === null ? [] : [Date.parse(at) - Date.parse(run.createdAt)];
  const tokens = runs.reduce((sum, run) => sum + (run.outputTokens ?? 0), 0);
  const incomplete = conversations.filter((c) => c.onB.events('run.completed').length === 0);
  const perToken = (used: number): string =>
    `${Math.round(used)} ms = ${((used / tokens) * 1000).toFixed(0)} µs/token`;

  console.log(
    `replies: ${CONVERSATIONS} conversations at ${TOKENS_PER_S} tokens/s, posted at once through A, ` +
      `${CONVERSATIONS - incomplete.length}/${CONVERSATIONS} completed at B in ${Math.round(elapsedMs)} ms` +
      (inTime ? '' : ` (gave up after ${REPLY_TIMEOUT_MS} ms)`),
  );
  incomplete.forEach((c) => console.log(`  not completed: session ${c.sessionId}`));
  console.log(`  time to first token, POST sent → first delta at B: ${summarise(firstTokens)}`);
  console.log(
    `  time to first token, server first_token_at − created_at: ` +
      summarise(runs.flatMap((run) => sinceCreated(run.firstTokenAt, run))),
  );
  console.log(
    `    of which queued, server started_at − created_at: ` +
      summarise(runs.flatMap((run) => sinceCreated(run.startedAt, run))),
  );
  console.log(
    `  delta at B − same delta at this script's LISTEN: ${summarise(differences(arrivals.onB, arrivals.postgres))}`,
  );
  console.log(
    `  delta at B − same delta at A (cross-replica cost): ${summarise(differences(arrivals.onB, arrivals.onA))}`,
  );
  console.log(
    `  interval between a run's deltas at B: ${summarise(intervalsPerRun(arrivals.onB))}`,
  );
  console.log(`  ${rebuildSummary(conversations)}`);
  console.log(
    `  CPU while streaming ${tokens} tokens (${arrivals.postgres.size} deltas): ` +
      `A ${perToken(cpu.a)}, B ${perToken(cpu.b)}`,
  );
}

interface Probes {
  /** Sent → committed, for the write carrying a pg_notify and for the same write without one. */
  notify: number[];
  plain: number[];
  /** Sent → its NOTIFY heard by this script's LISTEN: commit plus Postgres's delivery. */
  heard: number[];
}

/**
 * Alternates a write carrying a pg_notify with the same write without one, until `stopAt`
 * (performance.now()); their difference is what the NOTIFY costs at commit.
 */
async function probeUntil(client: Client, watch: NotifyWatch, stopAt: number): Promise<Probes> {
  const probes: Probes = { notify: [], plain: [], heard: [] };
  const sentAt = new Map<string, number>();
  while (performance.now() < stopAt) {
    let at = performance.now();
    const { rows } = await client.query<{ id: string }>(
      `WITH written AS (INSERT INTO bench_probe DEFAULT VALUES RETURNING id)
       SELECT id, pg_notify('${PROBE_CHANNEL}', id::text) FROM written`,
    );
    probes.notify.push(performance.now() - at);
    sentAt.set(rows[0]!.id, at);
    await sleep(PROBE_INTERVAL_MS / 2);
    at = performance.now();
    await client.query('INSERT INTO bench_probe DEFAULT VALUES');
    probes.plain.push(performance.now() - at);
    await sleep(PROBE_INTERVAL_MS / 2);
  }
  // The last NOTIFY may still be on its way to the listener.
  await sleep(100);
  for (const [id, at] of sentAt) {
    const heard = watch.probesHeard.get(id);
    probes.heard.push(heard === undefined ? Infinity : heard - at);
  }
  return probes;
}

/** Keeps one reply streaming in `sessionId` until `stopAt`: the next message once one ends. */
async function keepStreaming(
  urlA: string,
  watch: NotifyWatch,
  sessionId: string,
  stopAt: number,
): Promise<void> {
  while (performance.now() < stopAt) {
    const ended = watch.nextRunEnd(sessionId);
    await postCreated(`${urlA}/api/sessions/${sessionId}/messages`, { content: USER_MESSAGE });
    // Unref'd: a reply that never ends must not keep this script alive once the bench is over.
    await Promise.race([ended, sleep(REPLY_TIMEOUT_MS, undefined, { ref: false })]);
  }
}

interface Step {
  streaming: number;
  deltasPerS: number;
  notifiesPerS: number;
  probes: Probes;
  cpuA: number;
  cpuB: number;
}

async function sweepStep(
  urlA: string,
  sessionIds: string[],
  watch: NotifyWatch,
  prober: Client,
  pids: { a: number; b: number },
): Promise<Step> {
  const measureFrom = performance.now() + RAMP_MS;
  const stopAt = measureFrom + STEP_MS;
  const streaming = Promise.all(sessionIds.map((id) => keepStreaming(urlA, watch, id, stopAt)));
  await sleep(RAMP_MS);
  const before = {
    deltas: watch.deltas,
    notifies: watch.notifies,
    a: cpuMs(pids.a),
    b: cpuMs(pids.b),
    at: performance.now(),
  };
  const probes = await probeUntil(prober, watch, stopAt);
  const seconds = (performance.now() - before.at) / 1000;
  const step: Step = {
    streaming: sessionIds.length,
    deltasPerS: (watch.deltas - before.deltas) / seconds,
    notifiesPerS: (watch.notifies - before.notifies) / seconds,
    probes,
    cpuA: (cpuMs(pids.a) - before.a) / 10 / seconds,
    cpuB: (cpuMs(pids.b) - before.b) / 10 / seconds,
  };
  // The replies under way finish before the next step, so steps do not overlap.
  await streaming;
  return step;
}

function printSweep(steps: Step[]): void {
  const pair = (values: number[]): string =>
    `${quantile(values, 50).toFixed(2)} / ${quantile(values, 99).toFixed(2)}`.padStart(13);
  console.log(
    `sweep: probe writes every ${PROBE_INTERVAL_MS} ms on a separate connection for ${STEP_MS} ms ` +
      `per step, replies at ${TOKENS_PER_S} tokens/s; p50 / p99 in ms`,
  );
  console.log(
    '  streaming | deltas/s | all NOTIFY/s | write+notify  |  plain write  | notify heard  | CPU A % | CPU B %',
  );
  for (const step of steps) {
    console.log(
      `  ${String(step.streaming).padStart(9)} | ${step.deltasPerS.toFixed(0).padStart(8)} | ` +
        `${step.notifiesPerS.toFixed(0).padStart(12)} | ` +
        `${pair(step.probes.notify)} | ${pair(step.probes.plain)} | ${pair(step.probes.heard)} | ` +
        `${step.cpuA.toFixed(0).padStart(7)} | ${step.cpuB.toFixed(0).padStart(7)}`,
    );
  }
  const p99 = (values: number[]): number => quantile(values, 99);
  const [idle] = steps;
  const hurting =
    idle && steps.find((step) => p99(step.probes.notify) > 2 * p99(idle.probes.notify));
  console.log(
    hurting === undefined
      ? "  write+notify p99 stayed within 2× the first step's throughout"
      : `  write+notify p99 first beyond 2× the first step's (${p99(idle!.probes.notify).toFixed(2)} ms) ` +
          `at ${hurting.deltasPerS.toFixed(0)} deltas/s (${hurting.streaming} streaming)`,
  );
  // The same write without a NOTIFY, in the same step, as the control: it slows down with the
  // machine's load and WAL flushes, but not with the NOTIFY lock.
  const beyondControl = steps.find((step) => p99(step.probes.notify) > 2 * p99(step.probes.plain));
  console.log(
    beyondControl === undefined
      ? "  write+notify p99 stayed within 2× the same step's plain write throughout"
      : `  write+notify p99 first beyond 2× the same step's plain write at ` +
          `${beyondControl.deltasPerS.toFixed(0)} deltas/s (${beyondControl.streaming} streaming)`,
  );
}

/** Warnings and errors a server logged (pino levels: 40 warn, 50 error, 60 fatal). */
function warnings(server: ServerProcess): number {
  return server.lines.filter((line) => (line.level ?? 0) >= 40).length;
}

async function main(): Promise<void> {
  const database = await createDatabase(ADMIN_URL, `renovation_bench_agent_${process.pid}`);
  const common = {
    DATABASE_URL: database.url,
    PORT: '0',
    LOG_LEVEL: 'info', // the "started" line that carries the port is logged at info
    AGENT_PROVIDER: 'offline',
    AGENT_OFFLINE_TOKENS_PER_S: String(TOKENS_PER_S),
    // Every client here is the one local user: lift the per-user caps on live connections.
    SOCKET_IO_MAX_PER_PRINCIPAL: '1000',
    SSE_MAX_PER_PRINCIPAL: '1000',
  };
  const a = ServerProcess.start({
    ...common,
    AGENT_RUNS_ENABLED: 'true',
    // Every conversation of the largest step streams at once, none waits in the queue.
    AGENT_CONCURRENCY: String(Math.min(MAX_CONCURRENCY, Math.max(CONVERSATIONS, ...SWEEP))),
  });
  const b = ServerProcess.start({ ...common, AGENT_RUNS_ENABLED: 'false' });
  const clients: Array<{ close(): void }> = [];
  const pgClients: Client[] = [];
  try {
    const [portA, portB] = await Promise.all([a.started(60_000), b.started(60_000)]);
    const urlA = `http://127.0.0.1:${portA}`;
    const urlB = `http://127.0.0.1:${portB}`;
    const pids = { a: a.pid, b: b.pid };
    const watch = await NotifyWatch.listen(database.url);
    const prober = new Client({ connectionString: database.url });
    pgClients.push(watch.client, prober);
    await prober.connect();
    await prober.query(
      'CREATE TABLE bench_probe (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())',
    );

    const arrivals = {
      onA: new Map<string, number>(),
      onB: new Map<string, number>(),
      postgres: watch.arrivals,
    };
    const conversations: Conversation[] = [];
    for (let index = 0; index < CONVERSATIONS; index += 1) {
      const conversation = await openConversation(urlA, urlB, index < STREAMS, arrivals);
      conversations.push(conversation);
      clients.push(conversation.onA, conversation.onB, ...conversation.streams);
    }
    await measureReplies(urlA, conversations, arrivals, pids);

    // Sessions beyond the watched ones stream with nobody watching: only their NOTIFYs count here.
    const sessionIds = conversations.map((c) => c.sessionId);
    while (sessionIds.length < Math.max(...SWEEP)) {
      sessionIds.push(
        (await postCreated<{ id: string }>(`${urlA}/api/sessions`, { title: 'sweep' })).id,
      );
    }
    const steps: Step[] = [];
    for (const count of SWEEP) {
      steps.push(await sweepStep(urlA, sessionIds.slice(0, count), watch, prober, pids));
    }
    printSweep(steps);
    console.log(`server warnings and errors logged: A ${warnings(a)}, B ${warnings(b)}`);
  } finally {
    clients.forEach((client) => client.close());
    await Promise.all(pgClients.map((client) => client.end().catch(() => undefined)));
    await Promise.all([a.stop(10_000), b.stop(10_000)]);
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

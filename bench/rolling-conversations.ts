import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { AGENT_EVENTS_CHANNEL } from '../src/agent/events/agent-event';
import { composeOfflineReply } from '../src/agent/providers/offline/offline-replies';
import { createDatabase } from '../test/support/create-database';
import {
  type ComposeFile,
  composeAppServices,
  haproxyDetectionMs,
  readHaproxy,
  readRepoFile,
  readYaml,
} from '../test/support/deploy-manifests';
import { ensureHaproxy } from '../test/support/haproxy';
import { requestJson } from '../test/support/keep-alive-load';
import { type ReplicaRestart, RollingCluster } from '../test/support/rolling-cluster';
import { listed, withoutRetries } from './rolling-shared';
import { splitIntoTokens } from '../src/agent/providers/offline/tokens';
import { percentile } from './statistics';

/**
 * `npm run bench:rolling-agent`: what rolling restarts cost conversations with the assistant.
 * Two built replicas (dist/main.js or SERVER_ENTRY; this script builds nothing), both answering
 * runs with the offline assistant at TOKENS_PER_S, behind a real HAProxy running deploy/haproxy.cfg
 * with every retry and redispatch removed and the drain delay as deployed (twice HAProxy's
 * detection time), on a fresh database created on BENCH_PG_URL's server (dropped afterwards).
 *
 * CONVERSATIONS sessions each loop through HAProxy: post a user message, poll the session's runs
 * until that message's run has ended, post the next. Meanwhile both replicas are rolled ROLLS
 * times (each in turn: SIGTERM, exit, successor on the same port, UP in HAProxy). This script's
 * own LISTEN on agent_events timestamps every event, which times the pause an interrupted reply
 * sees between its old attempt's last delta and its next attempt's first. At the end the database
 * says whether every acknowledged message got exactly one reply, and whether each stored reply is
 * the offline assistant's whole reply, once: an interrupted reply is continued by its next attempt,
 * so a reply cut short or with a part said twice would show here.
 *
 *   ROLLS=20 CONVERSATIONS=20 TOKENS_PER_S=20 npm run bench:rolling-agent
 */
const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROLLS = Number(process.env.ROLLS ?? 20);
const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? 20);
const TOKENS_PER_S = Number(process.env.TOKENS_PER_S ?? 20);
const AGENT_DRAIN_MS = Number(process.env.AGENT_DRAIN_MS ?? 1000);
/** Bound on one reply: beyond it the conversation goes on and the run shows up as lost. */
const REPLY_TIMEOUT_MS = Number(process.env.REPLY_TIMEOUT_MS ?? 60_000);
/** After the load: how long runs still queued or running get before they count as stuck. */
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 30_000);
const POLL_MS = 100;
const DEPLOYED_DELAY_MS = 2 * haproxyDetectionMs(readHaproxy());
/**
 * The shutdown bounds as deploy/docker-compose.yml sets them, the drain delay aside: with the
 * assistant's hand-back among the cleanup steps, the defaults' SHUTDOWN_TIMEOUT_MS (25 s) cannot
 * hold a 3.5 s drain delay and the server refuses to start.
 */
function deployedShutdownBounds(): Record<string, string> {
  const [app] = composeAppServices(readYaml<ComposeFile>('deploy/docker-compose.yml'));
  return Object.fromEntries(
    Object.entries(app?.[1].environment ?? {}).filter(
      ([name]) => name.startsWith('SHUTDOWN_') && name !== 'SHUTDOWN_DRAIN_DELAY_MS',
    ),
  );
}

/**
 * In the CHECKLIST phase the offline reply lists the tasks of each topic mentioned: bathroom and
 * tiling make 110 tokens, 5.5 s at 20 tokens/s. That outlasts the drain delay plus AGENT_DRAIN_MS
 * (a reply begun just before SIGTERM is handed back) but fits in the time a replica serves
 * between two restarts (so the attempt after a hand-back can finish). MESSAGE overrides it.
 */
const USER_MESSAGE = process.env.MESSAGE ?? 'We want to redo the bathroom tiles.';

interface HeardEvent {
  at: number;
  type: string;
  runId: string;
  attempt: number;
}

/** Every agent_events NOTIFY, as this script's own connection heard it. */
class EventLog {
  readonly events: HeardEvent[] = [];

  private constructor(readonly client: Client) {
    client.on('notification', (notification) => {
      const event = JSON.parse(notification.payload ?? '{}') as Omit<HeardEvent, 'at'>;
      this.events.push({ ...event, at: Date.now() });
    });
  }

  static async listen(url: string): Promise<EventLog> {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query(`LISTEN ${AGENT_EVENTS_CHANNEL}`);
    return new EventLog(client);
  }
}

/** What the clients saw through HAProxy: acknowledged messages and every non-2xx answer. */
class ClientTally {
  readonly acknowledged: string[] = [];
  readonly failures = new Map<string, number>();
  /** Replies not ended within REPLY_TIMEOUT_MS, as the polling client saw it. */
  timedOut = 0;

  /** One request through HAProxy; a connection error or non-2xx is counted, never thrown. */
  async request(
    method: 'GET' | 'POST',
    port: number,
    path: string,
    payload?: unknown,
  ): Promise<{ status: number; body: unknown } | undefined> {
    const kind = (what: string): string => `${method} ${path.split('/').pop() ?? ''} ${what}`;
    try {
      const response = await requestJson(port, method, path, payload);
      if (response.status < 200 || response.status >= 300) {
        this.count(kind(String(response.status)));
        return undefined;
      }
      return response;
    } catch (error) {
      this.count(kind((error as { code?: string }).code ?? 'error'));
      return undefined;
    }
  }

  get failureCount(): number {
    return [...this.failures.values()].reduce((sum, count) => sum + count, 0);
  }

  private count(kind: string): void {
    this.failures.set(kind, (this.failures.get(kind) ?? 0) + 1);
  }
}

const ENDED = new Set(['completed', 'failed', 'cancelled']);

/** Polls the session's runs until the one answering `messageId` has ended; false on timeout. */
async function replyEnded(
  tally: ClientTally,
  port: number,
  sessionId: string,
  messageId: string,
): Promise<boolean> {
  const deadline = Date.now() + REPLY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const response = await tally.request('GET', port, `/api/sessions/${sessionId}/runs`);
    const runs = (response?.body ?? []) as Array<{ userMessageId: string; status: string }>;
    const run = runs.find((candidate) => candidate.userMessageId === messageId);
    if (run !== undefined && ENDED.has(run.status)) {
      return true;
    }
    await sleep(POLL_MS);
  }
  return false;
}

/** One conversation: a message, its reply, the next message, until `done()`. */
async function converse(
  tally: ClientTally,
  port: number,
  sessionId: string,
  done: () => boolean,
): Promise<void> {
  while (!done()) {
    const posted = await tally.request('POST', port, `/api/sessions/${sessionId}/messages`, {
      content: USER_MESSAGE,
    });
    if (posted === undefined) {
      // Not acknowledged: the client would try again, after a pause so a failure does not spin.
      await sleep(POLL_MS);
      continue;
    }
    const messageId = (posted.body as { id: string }).id;
    tally.acknowledged.push(messageId);
    if (!(await replyEnded(tally, port, sessionId, messageId))) {
      tally.timedOut += 1;
    }
  }
}

async function createSession(tally: ClientTally, port: number): Promise<string> {
  const response = await tally.request('POST', port, '/api/sessions', { title: 'bench' });
  if (response === undefined) {
    throw new Error('POST /api/sessions through HAProxy failed before any restart');
  }
  const sessionId = (response.body as { id: string }).id;
  if (
    (await tally.request('POST', port, `/api/sessions/${sessionId}/phase`, {
      phase: 'CHECKLIST',
    })) === undefined
  ) {
    throw new Error('POST /api/sessions/:id/phase through HAProxy failed before any restart');
  }
  return sessionId;
}

interface RunRow {
  user_message_id: string;
  output_tokens: number | null;
  status: string;
  attempt: number;
  assistant_message_id: string | null;
  error_code: string | null;
}

interface MessageRow {
  id: string;
  session_id: string;
  role: string;
  content: string;
}

/**
 * What the offline assistant answers USER_MESSAGE in the CHECKLIST phase: the same for every turn
 * of every conversation here (it lists the work for the topics said, and every message says the
 * same), so each stored reply must be exactly this.
 */
function expectedReply(): string {
  return composeOfflineReply(
    {
      phase: 'CHECKLIST',
      title: 'bench',
      totalBudget: null,
      currency: 'USD',
      paymentsEnabled: false,
    },
    [{ role: 'user', content: USER_MESSAGE }],
  );
}

/** Stored replies that are the whole reply once, cut short (a prefix of it), or anything else. */
function replyIntegrity(messages: readonly MessageRow[]): string {
  const expected = expectedReply();
  const replies = messages.filter((message) => message.role === 'assistant');
  const whole = replies.filter((message) => message.content === expected).length;
  const cut = replies.filter(
    (message) => message.content !== expected && expected.startsWith(message.content),
  ).length;
  return (
    `stored replies that are the whole reply exactly once ${whole} of ${replies.length}; ` +
    `cut short ${cut}; repeated or otherwise wrong ${replies.length - whole - cut}`
  );
}

/** Waits until no run is queued or running (or SETTLE_MS passed): the last replies settle. */
async function settle(db: Client): Promise<number> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const { rows } = await db.query<{ open: number }>(
      "SELECT count(*)::int AS open FROM agent_runs WHERE status IN ('queued', 'running')",
    );
    const open = rows[0]?.open ?? 0;
    if (open === 0 || Date.now() >= deadline) {
      return open;
    }
    await sleep(250);
  }
}

/**
 * Replies per user message: the assistant message its run points to, plus any assistant message no
 * run points to (a reply written twice would be one), counted against the user message before it.
 */
function repliesPerUserMessage(messages: MessageRow[], runs: RunRow[]): Map<string, number> {
  const linked = new Set(runs.flatMap((run) => run.assistant_message_id ?? []));
  const replies = new Map<string, number>();
  runs.forEach((run) =>
    replies.set(run.user_message_id, run.assistant_message_id === null ? 0 : 1),
  );
  const lastUser = new Map<string, string>();
  for (const message of messages) {
    if (message.role === 'user') {
      lastUser.set(message.session_id, message.id);
      replies.set(message.id, replies.get(message.id) ?? 0);
    } else if (message.role === 'assistant' && !linked.has(message.id)) {
      const before = lastUser.get(message.session_id) ?? `(none in ${message.session_id})`;
      replies.set(before, (replies.get(before) ?? 0) + 1);
    }
  }
  return replies;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): string {
  const counts = new Map<string, number>();
  items.forEach((item) => counts.set(key(item), (counts.get(key(item)) ?? 0) + 1));
  return counts.size === 0 ? 'none' : [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
}

async function reportDatabase(db: Client, tally: ClientTally, stuck: number): Promise<void> {
  const messages = (
    await db.query<MessageRow>(
      'SELECT id, session_id, role, content FROM messages ORDER BY session_id, seq',
    )
  ).rows;
  const runs = (
    await db.query<RunRow>(
      'SELECT user_message_id, output_tokens, status, attempt, assistant_message_id, error_code FROM agent_runs',
    )
  ).rows;
  const runOf = new Map(runs.map((run) => [run.user_message_id, run]));
  const replies = repliesPerUserMessage(messages, runs);
  const lost = tally.acknowledged.filter((id) => runOf.get(id)?.status !== 'completed');
  const failed = runs.filter((run) => run.status === 'failed');
  const userStored = messages.filter((message) => message.role === 'user').length;
  const assistantStored = messages.filter((message) => message.role === 'assistant').length;
  console.log(
    `user messages acknowledged (201) ${tally.acknowledged.length}, stored ${userStored}; ` +
      `assistant replies stored ${assistantStored}; ` +
      `duplicates (user messages with > 1 reply) ${[...replies.values()].filter((n) => n > 1).length}; ` +
      `without a reply ${[...replies.values()].filter((n) => n === 0).length}`,
  );
  console.log(
    `lost (acknowledged, run not completed) ${lost.length}` +
      (lost.length > 0 ? ` (${countBy(lost, (id) => runOf.get(id)?.status ?? 'no run')})` : '') +
      `; runs stuck queued/running after a ${SETTLE_MS} ms settle ${stuck}; ` +
      `runs failed ${failed.length} (${countBy(failed, (run) => run.error_code ?? '?')}); ` +
      `replies the client gave up on after ${REPLY_TIMEOUT_MS} ms ${tally.timedOut}`,
  );
  console.log(replyIntegrity(messages));
  const replyTokens = splitIntoTokens(expectedReply()).length;
  console.log(
    `reply length ${replyTokens} tokens (${(replyTokens / TOKENS_PER_S).toFixed(1)} s of streaming)`,
  );
  const completed = runs.filter((run) => run.status === 'completed');
  console.log(
    `runs interrupted (attempt > 1) ${runs.filter((run) => run.attempt > 1).length} of ${runs.length}; ` +
      `attempts ${countBy(runs, (run) => String(run.attempt))}; ` +
      `completed after an interruption ${completed.filter((run) => run.attempt > 1).length}, ` +
      `most attempts a completed run took ${Math.max(0, ...completed.map((run) => run.attempt))}`,
  );
}

/**
 * For each run.interrupted: from the old attempt's last delta to the next attempt's first, as this
 * script's LISTEN heard them. Interruptions without a delta on either side are counted apart.
 */
function interruptionPauses(events: readonly HeardEvent[]): { pauses: number[]; unpaired: number } {
  const deltas = new Map<string, HeardEvent[]>();
  events
    .filter((event) => event.type === 'message.delta')
    .forEach((event) => deltas.set(event.runId, [...(deltas.get(event.runId) ?? []), event]));
  const pauses: number[] = [];
  let unpaired = 0;
  for (const interrupted of events.filter((event) => event.type === 'run.interrupted')) {
    const ofRun = deltas.get(interrupted.runId) ?? [];
    const lastOld = ofRun.filter((d) => d.attempt === interrupted.attempt).pop();
    const later = ofRun.filter((d) => d.attempt > interrupted.attempt);
    const nextAttempt = Math.min(...later.map((d) => d.attempt));
    const firstNew = later.find((d) => d.attempt === nextAttempt);
    if (lastOld === undefined || firstNew === undefined) {
      unpaired += 1;
    } else {
      pauses.push(firstNew.at - lastOld.at);
    }
  }
  return { pauses, unpaired };
}

function reportEvents(events: readonly HeardEvent[]): void {
  const { pauses, unpaired } = interruptionPauses(events);
  const sorted = [...pauses].sort((a, b) => a - b);
  console.log(
    `agent_events heard ${events.length} (${countBy(
      events.filter((event) => event.type !== 'message.delta'),
      (event) => event.type,
    )}, message.delta ×${events.filter((event) => event.type === 'message.delta').length})`,
  );
  console.log(
    `pause an interrupted reply saw, last delta of the old attempt → first of the next: ` +
      (sorted.length === 0
        ? 'no pairs'
        : `p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, ` +
          `max ${sorted[sorted.length - 1]} ms (n=${sorted.length})`) +
      `; interruptions without a delta before or after ${unpaired}`,
  );
}

function reportRestarts(restarts: readonly ReplicaRestart[], elapsedMs: number): void {
  const exits = restarts.map((restart) => restart.exitedAfterMs).sort((a, b) => a - b);
  const backUp = restarts.map((restart) => restart.backUpAfterMs).sort((a, b) => a - b);
  console.log(
    `${restarts.length} replica restarts in ${Math.round(elapsedMs / 1000)} s; exit codes ` +
      `${listed(restarts.map((restart) => restart.exitCode ?? 'signal'))}; SIGTERM→exit median ` +
      `${percentile(exits, 50)} ms, max ${exits[exits.length - 1]} ms; →back UP median ` +
      `${percentile(backUp, 50)} ms`,
  );
}

/** The load and the rolls; returns the restarts once every conversation's last reply ended. */
async function rollUnderConversations(
  cluster: RollingCluster,
  tally: ClientTally,
): Promise<ReplicaRestart[]> {
  const sessionIds: string[] = [];
  for (let index = 0; index < CONVERSATIONS; index += 1) {
    sessionIds.push(await createSession(tally, cluster.port));
  }
  let stopping = false;
  const conversations = sessionIds.map((id) => converse(tally, cluster.port, id, () => stopping));
  const restarts: ReplicaRestart[] = [];
  try {
    // Every conversation has a reply streaming before the first SIGTERM.
    await sleep(2000);
    for (let roll = 0; roll < ROLLS; roll += 1) {
      for (const name of cluster.names) {
        restarts.push(await cluster.restart(name));
      }
    }
  } finally {
    stopping = true;
    await Promise.all(conversations);
  }
  return restarts;
}

async function main(): Promise<void> {
  const haproxyBinary = ensureHaproxy();
  const database = await createDatabase(ADMIN_URL, `renovation_bench_rolling_${process.pid}`);
  let cluster: RollingCluster | undefined;
  let log: EventLog | undefined;
  const db = new Client({ connectionString: database.url });
  try {
    cluster = await RollingCluster.start({
      haproxyBinary,
      source: withoutRetries(readRepoFile('deploy/haproxy.cfg')),
      env: {
        DATABASE_URL: database.url,
        ...deployedShutdownBounds(),
        SHUTDOWN_DRAIN_DELAY_MS: String(DEPLOYED_DELAY_MS),
        LOG_LEVEL: 'info',
        AGENT_RUNS_ENABLED: 'true',
        AGENT_PROVIDER: 'offline',
        AGENT_OFFLINE_TOKENS_PER_S: String(TOKENS_PER_S),
        AGENT_DRAIN_MS: String(AGENT_DRAIN_MS),
        // One replica can stream every conversation at once: while the other restarts, replies
        // wait for a claim only as long as the hand-back takes, not behind each other.
        AGENT_CONCURRENCY: String(CONVERSATIONS),
      },
    });
    log = await EventLog.listen(database.url);
    await db.connect();
    console.log(
      `HAProxy deploy/haproxy.cfg without retries, 2 replicas both answering (offline, ` +
        `${TOKENS_PER_S} tokens/s, AGENT_DRAIN_MS ${AGENT_DRAIN_MS}, AGENT_CONCURRENCY ${CONVERSATIONS}), ` +
        `drain delay ${DEPLOYED_DELAY_MS} ms, ${CONVERSATIONS} conversations, ${ROLLS} rolls`,
    );
    const tally = new ClientTally();
    const startedAt = Date.now();
    const restarts = await rollUnderConversations(cluster, tally);
    const elapsedMs = Date.now() - startedAt;
    const stuck = await settle(db);
    console.log(
      `client-visible HTTP failures through HAProxy ${tally.failureCount}` +
        (tally.failureCount > 0
          ? ` (${[...tally.failures].map(([kind, n]) => `${kind} ×${n}`).join(', ')})`
          : ''),
    );
    await reportDatabase(db, tally, stuck);
    reportEvents(log.events);
    reportRestarts(restarts, elapsedMs);
  } finally {
    await log?.client.end().catch(() => undefined);
    await db.end().catch(() => undefined);
    await cluster?.stop();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

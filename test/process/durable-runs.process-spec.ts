import { postCreated } from '../support/post-created';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually, LiveSocket } from '../support/live-clients';
import {
  type DeltaEvent as Delta,
  type RunEvent,
  runsOf,
  startAssistantReplica,
  storedRuns,
  threadForks,
  until,
} from '../support/run-state';
import { createScratchDatabase } from '../support/scratch-database';
import { type LogLine, ServerProcess, stopStartedServers } from '../support/server-process';
import type { CreatedDatabase } from '../support/create-database';

interface Message {
  id: string;
  seq: number;
  role: string;
  content: string;
}

/**
 * Slow enough that a reply (about 60–120 tokens) still streams on A once B has started beside it,
 * which takes seconds on a busy machine.
 */
const OFFLINE_ASSISTANT = { AGENT_OFFLINE_TOKENS_PER_S: '5' };
/** Bounds that only catch a hang: a takeover waits for a lease plus a sweep, on a busy machine. */
const HANG_MS = 30_000;

const logged = (text: string) => (line: LogLine) => String(line.msg).includes(text);

interface StartedEvent extends RunEvent {
  resumeOffset: number;
}

/**
 * The reply as a client rebuilds it the way docs/live-events.md says: from the `activeRun` text
 * of its join, each delta applied by offset (one it already has is dropped, one past a gap would
 * fail here); a new attempt's `run.started` keeps the text up to its `resumeOffset`.
 */
function rebuild(joinedWith: string, received: LiveSocket['received']): string {
  let text = joinedWith;
  for (const { event, data } of received) {
    if (event === 'run.started') {
      text = text.slice(0, (data as StartedEvent).resumeOffset);
    } else if (event === 'message.delta') {
      const delta = data as Delta;
      expect(delta.offset).toBeLessThanOrEqual(text.length);
      text += delta.text.slice(text.length - delta.offset);
    }
  }
  return text;
}

const TITLE = 'Attic conversion';
const QUESTION = 'How do I insulate an attic?';

async function askInNewSession(url: string): Promise<string> {
  const { id } = await postCreated<{ id: string }>(`${url}/api/sessions`, { title: TITLE });
  await postCreated(`${url}/api/sessions/${id}/messages`, { content: QUESTION });
  return id;
}

/** Waits for the session's first run to complete, asks `followUp` if given, and waits for it. */
async function answered(url: string, sessionId: string, runs: number, followUp?: string) {
  await until(
    () => runsOf(url, sessionId),
    (list) => list.at(-1)?.status === 'completed',
    'the first question answered',
  );
  if (followUp !== undefined) {
    await postCreated(`${url}/api/sessions/${sessionId}/messages`, { content: followUp });
  }
  return until(
    () => runsOf(url, sessionId),
    (list) => list.length === runs && list.every((run) => run.status === 'completed'),
    'every question answered',
  );
}

/**
 * The input tokens the offline model counts (system prompt and every message of the conversation
 * it is given) for the same conversation answered without a fault: what a resumed run must match.
 */
async function inputTokensAnsweredAtOnce(url: string, followUp?: string): Promise<number | null> {
  const sessionId = await askInNewSession(url);
  const [run] = await answered(url, sessionId, followUp === undefined ? 1 : 2, followUp);
  return run?.inputTokens ?? null;
}

/** The offline reply to the same question in a new session, answered without a fault. */
async function replyAnsweredAtOnce(url: string): Promise<string> {
  const sessionId = await askInNewSession(url);
  await answered(url, sessionId, 1);
  const response = await fetch(`${url}/api/sessions/${sessionId}/messages`);
  const page = (await response.json()) as { items: Message[] };
  const reply = page.items.find((message) => message.role === 'assistant');
  if (reply === undefined) {
    throw new Error('the baseline reply is missing');
  }
  return reply.content;
}

/**
 * Replica A streams a reply; a socket.io client watches it through replica B; then A goes away
 * (or freezes) mid-reply. Whatever A's fate, B ends the run and the reply is stored exactly once.
 * A runs alone until it has claimed the run, so that A, not B, is the one streaming it; B runs
 * with the default (long) lease so that only A's attempt can lapse.
 */
async function replyStreamingOnA(
  databaseUrl: string,
  envA: Record<string, string>,
): Promise<{
  a: ServerProcess;
  b: ServerProcess;
  urlB: string;
  sessionId: string;
  runId: string;
  client: LiveSocket;
  /** The reply so far as B's join answered it (`activeRun.text`). */
  joinedWith: string;
}> {
  const { server: a, url: urlA } = await startAssistantReplica(databaseUrl, {
    ...OFFLINE_ASSISTANT,
    ...envA,
  });
  const sessionId = await askInNewSession(urlA);
  const [run] = await until(
    () => runsOf(urlA, sessionId),
    (runs) => runs[0]?.status === 'running',
    'A to claim the run',
  );
  // Faster than A: it only has to finish what A started, and answer the baselines below.
  const { server: b, url: urlB } = await startAssistantReplica(databaseUrl, {
    AGENT_OFFLINE_TOKENS_PER_S: '40',
  });
  const client = await LiveSocket.connect(urlB);
  const ack = await client.request<{ activeRun?: RunEvent & { text: string } }>('session:join', {
    sessionId,
  });
  expect(ack.activeRun).toMatchObject({ runId: run?.id, attempt: 1 });
  // A is streaming, and B relays it: the fault below lands mid-reply.
  await eventually(
    () => client.events<Delta>('message.delta').some((delta) => delta.attempt === 1),
    'a delta of attempt 1 on B',
    HANG_MS,
  );
  return {
    a,
    b,
    urlB,
    sessionId,
    runId: run?.id ?? '',
    client,
    joinedWith: ack.activeRun?.text ?? '',
  };
}

/** Waits for the reply to be stored and announced, then a moment for any duplicate to show. */
async function storedReply(client: LiveSocket): Promise<Message> {
  const reply = await eventually(
    () => client.events<Message>('message.created').find((m) => m.role === 'assistant'),
    'the assistant message on B',
    HANG_MS,
  );
  await eventually(() => client.events('run.completed').length > 0, 'run.completed', HANG_MS);
  await sleep(500);
  return reply;
}

/** Exactly one reply for the run: stored once, announced once, and the run completed with it. */
async function expectAnsweredOnce(
  databaseUrl: string,
  urlB: string,
  sessionId: string,
  client: LiveSocket,
  reply: Message,
): Promise<void> {
  expect(client.events<Message>('message.created').filter((m) => m.role === 'assistant')).toEqual([
    reply,
  ]);
  const stored = await storedRuns(databaseUrl, sessionId);
  expect(stored.assistantMessages).toEqual([{ id: reply.id, session_id: sessionId }]);
  expect(await runsOf(urlB, sessionId)).toEqual([
    expect.objectContaining({ status: 'completed', attempt: 2, assistantMessageId: reply.id }),
  ]);
}

/**
 * Attempt 2 resumed where attempt 1's stored text ended: its `run.started` says so, its first
 * delta starts there, and the client, rebuilding from both attempts' deltas, holds exactly the
 * stored reply, which is the offline reply once: nothing repeated, nothing missing.
 */
async function expectResumed(
  client: LiveSocket,
  joinedWith: string,
  reply: Message,
  urlB: string,
): Promise<{ resumeOffset: number }> {
  const started = client.events<StartedEvent>('run.started').find((event) => event.attempt === 2);
  expect(started).toBeDefined();
  const resumeOffset = started?.resumeOffset ?? -1;
  const deltas = client.events<Delta>('message.delta');
  const before = deltas.filter((delta) => delta.attempt === 1);
  const after = deltas.filter((delta) => delta.attempt === 2);
  // Attempt 1 had text out before the fault, and all of it was stored: attempt 2 goes on from
  // its end, with no gap and no overlap.
  expect(resumeOffset).toBeGreaterThan(0);
  const last = before.at(-1);
  expect(resumeOffset).toBe((last?.offset ?? 0) + (last?.text.length ?? 0));
  expect(after[0]?.offset).toBe(resumeOffset);
  expect(rebuild(joinedWith, client.received)).toBe(reply.content);
  expect(reply.content).toBe(await replyAnsweredAtOnce(urlB));
  return { resumeOffset };
}

/** What a test here leaves behind, undone after each one whether it passed or not. */
interface ReplicaFixture {
  scratch?: CreatedDatabase;
  client?: LiveSocket;
  /** A replica stopped with SIGSTOP: it ignores SIGTERM until continued, so it is thawed first. */
  frozen?: ServerProcess;
}

function useReplicaFixture(): ReplicaFixture {
  const fixture: ReplicaFixture = {};
  afterEach(async () => {
    fixture.frozen?.kill('SIGCONT');
    fixture.client?.close();
    await stopStartedServers();
    await fixture.scratch?.drop();
    delete fixture.frozen;
    delete fixture.client;
    delete fixture.scratch;
  });
  return fixture;
}

/**
 * Freezes A (SIGSTOP) past its lease until B streams attempt 2 of `runId`, thaws it, and waits
 * until A's stale attempt 1 has met its fence: told it was taken over, or refused its message.
 */
async function freezePastTakeover(
  fixture: ReplicaFixture,
  a: ServerProcess,
  runId: string,
): Promise<void> {
  a.kill('SIGSTOP');
  fixture.frozen = a;
  await eventually(
    () => fixture.client?.events<Delta>('message.delta').some((delta) => delta.attempt === 2),
    'a delta of attempt 2 on B',
    HANG_MS,
  );
  a.kill('SIGCONT');
  delete fixture.frozen;
  await a.waitFor(
    (line) =>
      logged(`run ${runId} attempt 1 was taken over by another claim`)(line) ||
      logged(`run ${runId} attempt 1 is no longer running: nothing stored`)(line),
    HANG_MS,
  );
}

describe('SIGTERM to the replica streaming a reply', () => {
  const fixture = useReplicaFixture();

  it('should hand the reply to the other replica, which continues it from the text stored and stores it once', async () => {
    fixture.scratch = await createScratchDatabase('durable_term');
    // A short drain: the reply cannot end within it, so the hand-over path is the one exercised.
    const streaming = await replyStreamingOnA(fixture.scratch.url, { AGENT_DRAIN_MS: '300' });
    fixture.client = streaming.client;
    const { a, urlB, sessionId, runId } = streaming;

    a.kill('SIGTERM');

    expect(await a.exited).toEqual({ code: 0, signal: null });
    // Stopped cooperatively at a slice boundary (not aborted), its draft checkpointed.
    const handedBack = a.lines.find(logged(`run ${runId} (attempt 1) handed back to the queue`));
    expect(String(handedBack?.msg)).toMatch(/: yielded at \d+ chars$/);
    const reply = await storedReply(fixture.client);
    expect(fixture.client.events<RunEvent>('run.interrupted')).toEqual([
      expect.objectContaining({ runId, attempt: 1 }),
    ]);
    // Told of the interruption before the next attempt started.
    const order = fixture.client.received
      .filter((entry) => entry.event === 'run.interrupted' || entry.event === 'run.started')
      .map((entry) => `${entry.event} ${(entry.data as RunEvent).attempt}`);
    expect(order).toEqual(['run.interrupted 1', 'run.started 2']);
    const { resumeOffset } = await expectResumed(fixture.client, streaming.joinedWith, reply, urlB);
    expect(String(handedBack?.msg)).toContain(`yielded at ${resumeOffset} chars`);
    await expectAnsweredOnce(fixture.scratch.url, urlB, sessionId, fixture.client, reply);
  }, 60_000);
});

describe('SIGKILL to the replica streaming a reply', () => {
  const fixture = useReplicaFixture();

  it('should let the other replica take the run over once its lease expires, continue it from the text stored, and store it once', async () => {
    fixture.scratch = await createScratchDatabase('durable_kill');
    const streaming = await replyStreamingOnA(fixture.scratch.url, { AGENT_LEASE_MS: '1500' });
    fixture.client = streaming.client;
    const { a, b, urlB, sessionId, runId } = streaming;

    a.kill('SIGKILL');

    expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const reply = await storedReply(fixture.client);
    // No hand-over from a killed process: B's sweep found the lapsed lease and queued it again.
    expect(fixture.client.events('run.interrupted')).toEqual([]);
    expect(b.lines.some(logged(`run ${runId}: lease of attempt 1 expired; queued again`))).toBe(
      true,
    );
    await expectResumed(fixture.client, streaming.joinedWith, reply, urlB);
    await expectAnsweredOnce(fixture.scratch.url, urlB, sessionId, fixture.client, reply);
  }, 60_000);
});

describe('a replica frozen past its lease mid-reply', () => {
  const fixture = useReplicaFixture();

  it('should fence the stale attempt off when it wakes: it stores nothing, the new one stores the reply', async () => {
    fixture.scratch = await createScratchDatabase('durable_freeze');
    const streaming = await replyStreamingOnA(fixture.scratch.url, { AGENT_LEASE_MS: '1500' });
    fixture.client = streaming.client;
    const { a, b, urlB, sessionId, runId } = streaming;

    // Awake, A's attempt 1 still believes it runs: each of its writes must change nothing.
    await freezePastTakeover(fixture, a, runId);
    const reply = await storedReply(fixture.client);
    await expectResumed(fixture.client, streaming.joinedWith, reply, urlB);
    await expectAnsweredOnce(fixture.scratch.url, urlB, sessionId, fixture.client, reply);

    // Stopped cleanly, A's hand-back of its stale attempt is fenced too: the run stays completed.
    const exits = await Promise.all([a.stop(15_000), b.stop(15_000)]);
    exits.forEach((exit) => expect(exit).toEqual({ code: 0, signal: null }));
    const stored = await storedRuns(fixture.scratch.url, sessionId);
    expect(stored.runs).toEqual([expect.objectContaining({ status: 'completed', attempt: 2 })]);
    expect(stored.assistantMessages).toEqual([{ id: reply.id, session_id: sessionId }]);
  }, 60_000);
});

/**
 * The model's view of the conversation (its LangGraph thread, checkpointed per session) must not
 * depend on how many attempts a run took. The offline model reports as input tokens the system
 * prompt plus every message it was given, so a run's inputTokens, compared with the same
 * conversation answered without a fault, shows what the thread held.
 */
describe('the conversation the model is given after a takeover', () => {
  const fixture = useReplicaFixture();

  it('should hold the question once when the reply was handed over at shutdown', async () => {
    fixture.scratch = await createScratchDatabase('durable_thread_term');
    const streaming = await replyStreamingOnA(fixture.scratch.url, { AGENT_DRAIN_MS: '300' });
    fixture.client = streaming.client;
    const { a, urlB, sessionId } = streaming;

    a.kill('SIGTERM');
    const [resumed] = await answered(urlB, sessionId, 1);

    expect(resumed).toMatchObject({ attempt: 2 });
    // Attempt 1 had checkpointed the question before it was stopped: attempt 2 must not add it
    // again.
    expect(resumed?.inputTokens).toBe(await inputTokensAnsweredAtOnce(urlB));
  }, 60_000);

  it('should hold the question once, and no reply from the fenced attempt, after a freeze', async () => {
    fixture.scratch = await createScratchDatabase('durable_thread_freeze');
    const streaming = await replyStreamingOnA(fixture.scratch.url, { AGENT_LEASE_MS: '1500' });
    fixture.client = streaming.client;
    const { a, urlB, sessionId, runId } = streaming;

    // Awake, the stale attempt learns it was fenced off, or runs to its end and is refused its
    // message (its overdue tokens come at once): either way it is done a moment later, before the
    // follow-up is asked.
    await freezePastTakeover(fixture, a, runId);
    await sleep(1000);
    const [followUp] = await answered(urlB, sessionId, 2, 'And the floor?');

    // A fenced attempt must leave the thread alone: only the attempt that stored the reply writes
    // it, so the thread never forks into two versions of one turn.
    expect(await threadForks(fixture.scratch.url, sessionId)).toBe(0);
    // The follow-up's model sees question, reply, follow-up: as if nothing had happened.
    expect(followUp?.inputTokens).toBe(await inputTokensAnsweredAtOnce(urlB, 'And the floor?'));
  }, 60_000);
});

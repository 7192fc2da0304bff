import { postCreated } from '../support/post-created';
import { runsOf, startAssistantReplica, storedRuns, until } from '../support/run-state';
import type { CreatedDatabase } from '../support/create-database';
import { createScratchDatabase } from '../support/scratch-database';
import { stopStartedServers } from '../support/server-process';

const SESSIONS = 4;

/**
 * A replica that answers one run at a time is stopped with a backlog: the reply it streams is
 * handed back and the runs waiting behind it are left as they were, so the next replica to come
 * up answers every one of them, once each.
 */
describe('SIGTERM to a replica with runs waiting in the queue', () => {
  let scratch: CreatedDatabase | undefined;

  afterEach(async () => {
    await stopStartedServers();
    await scratch?.drop();
  });

  it('should lose none of them: the next replica answers every message exactly once', async () => {
    scratch = await createScratchDatabase('durable_queue');
    const { server: a, url: urlA } = await startAssistantReplica(scratch.url, {
      AGENT_CONCURRENCY: '1',
      AGENT_OFFLINE_TOKENS_PER_S: '15',
      AGENT_DRAIN_MS: '300',
    });
    const sessionIds: string[] = [];
    for (let index = 0; index < SESSIONS; index += 1) {
      const { id } = await postCreated<{ id: string }>(`${urlA}/api/sessions`, {
        title: `Room ${index}`,
      });
      await postCreated(`${urlA}/api/sessions/${id}/messages`, { content: 'Where do I start?' });
      sessionIds.push(id);
    }
    // One streaming (with some text already), the others waiting for a free slot.
    const running = await until(
      () => storedRuns(scratch?.url ?? ''),
      ({ runs }) =>
        runs.length === SESSIONS &&
        runs.filter((run) => run.status === 'running').length === 1 &&
        runs.filter((run) => run.status === 'queued').length === SESSIONS - 1,
      'one run streaming and the rest queued on A',
    );
    const streamingSession = running.runs.find((run) => run.status === 'running')?.session_id;
    await until(
      () => runsOf(urlA, streamingSession ?? ''),
      (runs) => runs[0]?.status === 'running' && runs[0].attempt === 1,
      'the streaming run on A',
    );

    a.kill('SIGTERM');

    expect(await a.exited).toEqual({ code: 0, signal: null });
    expect(
      a.lines.filter((line) => String(line.msg).includes('handed back to the queue')),
    ).toHaveLength(1);
    const afterA = await storedRuns(scratch.url);
    // Nothing failed, nothing answered half: the streamed one is queued again (one attempt spent),
    // the waiting ones untouched (never claimed).
    expect(afterA.assistantMessages).toEqual([]);
    expect(afterA.runs.map((run) => run.status)).toEqual(Array(SESSIONS).fill('queued'));
    expect(Object.fromEntries(afterA.runs.map((run) => [run.session_id, run.attempt]))).toEqual(
      Object.fromEntries(sessionIds.map((id) => [id, id === streamingSession ? 1 : 0])),
    );

    // Faster than A: four replies at once, each a few seconds at most.
    const { server: b } = await startAssistantReplica(scratch.url, {
      AGENT_OFFLINE_TOKENS_PER_S: '60',
    });
    const answered = await until(
      () => storedRuns(scratch?.url ?? ''),
      ({ runs }) => runs.every((run) => run.status !== 'queued' && run.status !== 'running'),
      'B to end every run',
    );
    expect(answered.runs.map((run) => run.status)).toEqual(Array(SESSIONS).fill('completed'));
    expect(Object.fromEntries(answered.runs.map((run) => [run.session_id, run.attempt]))).toEqual(
      Object.fromEntries(sessionIds.map((id) => [id, id === streamingSession ? 2 : 1])),
    );
    expect(answered.assistantMessages.map((m) => m.session_id).sort()).toEqual(
      [...sessionIds].sort(),
    );
    expect(await b.stop(15_000)).toEqual({ code: 0, signal: null });
  }, 60_000);
});

import { isGraphDrained } from '@langchain/langgraph';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { ConversationGraph, Turn } from '../../src/agent/graph/conversation-graph';
import { createConversationGraph } from '../../src/agent/graph/create-conversation-graph';
import { ReplyYield } from '../../src/agent/graph/reply-yield';
import type { ConversationMessage, ModelProvider } from '../../src/agent/providers/model-provider';
import { MODEL_PROVIDER } from '../../src/agent/providers/model-provider.token';
import { eventually } from '../support/live-clients';
import { type AssistantApp, createAssistantApp } from '../support/assistant-app';

/**
 * The conversation graph with its real Postgres checkpointer and the offline assistant: a reply
 * asked to yield stops at its next slice and the graph drains with the draft checkpointed; the
 * next attempt continues it, and the thread ends with the question and the whole reply, once.
 * This replica answers no runs itself (AGENT_RUNS_ENABLED=false, so it loads no graph): the test
 * drives the turns through a graph of its own, built as a replica with runs on builds it.
 */
describe('a reply yielding at shutdown (e2e)', () => {
  let assistant: AssistantApp;

  beforeAll(async () => {
    assistant = await createAssistantApp('conversation_yield', {
      AGENT_RUNS_ENABLED: 'false',
      AGENT_OFFLINE_TOKENS_PER_S: '40',
    });
  });

  afterAll(async () => {
    await assistant.close();
  });

  /** A session with one question, its run marked as claimed (`attempt`) as a replica would. */
  async function claimedQuestion(attempt: number) {
    const created = await request(assistant.server)
      .post('/api/sessions')
      .send({ title: 'Loft' })
      .expect(201);
    const sessionId = (created.body as { id: string }).id;
    await request(assistant.server)
      .post(`/api/sessions/${sessionId}/messages`)
      .send({ content: 'How do I insulate the loft?' })
      .expect(201);
    const db = assistant.app.get(DataSource);
    await db.query(`UPDATE agent_runs SET status = 'running', attempt = $2 WHERE session_id = $1`, [
      sessionId,
      attempt,
    ]);
    const [run] = await db.query<Array<{ id: string }>>(
      'SELECT id FROM agent_runs WHERE session_id = $1',
      [sessionId],
    );
    return { sessionId, runId: run?.id ?? '' };
  }

  const setAttempt = (runId: string, attempt: number) =>
    assistant.app
      .get(DataSource)
      .query('UPDATE agent_runs SET attempt = $2 WHERE id = $1', [runId, attempt]);

  function turn(runId: string, attempt: number, continueFrom: string, said: string[]): Turn {
    return {
      session: {
        phase: 'INTAKE',
        title: 'Loft',
        totalBudget: null,
        currency: 'EUR',
        paymentsEnabled: false,
      },
      signal: new AbortController().signal,
      onText: (text) => said.push(text),
      attempt: { runId, attempt },
      continueFrom,
      yield: new ReplyYield(),
    };
  }

  const question: ConversationMessage = { role: 'user', content: 'How do I insulate the loft?' };

  async function thread(graph: ConversationGraph, sessionId: string) {
    const tuple = await graph.checkpointer.getTuple({ configurable: { thread_id: sessionId } });
    return tuple?.checkpoint.channel_values as
      { messages: ConversationMessage[]; draft: string | null } | undefined;
  }

  it('should drain with the draft checkpointed, then continue it to the whole reply, once', async () => {
    const graph = createConversationGraph(
      assistant.app.get<ModelProvider>(MODEL_PROVIDER),
      assistant.app.get(DataSource),
    );
    const { sessionId, runId } = await claimedQuestion(1);
    const history = () => Promise.resolve([question]);

    const firstSaid: string[] = [];
    const first = turn(runId, 1, '', firstSaid);
    const answering = graph.answer(sessionId, `${runId}:1`, question, history, first);
    await eventually(() => firstSaid.length >= 3, 'a few slices of the reply');
    first.yield.request('shutdown');
    const drained = await answering.then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(isGraphDrained(drained)).toBe(true);
    const draft = firstSaid.join('');
    // LangGraph keeps a node that is still to run as its `branch:to:<node>` channel: the
    // checkpoint holds the draft with the reply next.
    expect(await thread(graph, sessionId)).toEqual({
      messages: [question],
      draft,
      'branch:to:reply': 'reply',
    });

    // The next attempt (another replica's, in production) continues from the stored text.
    await setAttempt(runId, 2);
    const secondSaid: string[] = [];
    await graph.answer(
      sessionId,
      `${runId}:2`,
      question,
      history,
      turn(runId, 2, draft, secondSaid),
    );

    const whole = draft + secondSaid.join('');
    expect(secondSaid.length).toBeGreaterThan(0);
    expect(await thread(graph, sessionId)).toEqual({
      messages: [question, { role: 'assistant', content: whole }],
      draft: null,
    });

    // The same question answered in one go gives the same reply: nothing repeated, nothing lost.
    const fresh = await claimedQuestion(1);
    const freshSaid: string[] = [];
    await graph.answer(
      fresh.sessionId,
      `${fresh.runId}:1`,
      question,
      history,
      turn(fresh.runId, 1, '', freshSaid),
    );
    expect(freshSaid.join('')).toBe(whole);
  });
});

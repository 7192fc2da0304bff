import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FAKE_GEMINI_KEY, FakeGeminiServer } from '../support/fake-gemini-server';
import { LiveSocket } from '../support/live-clients';
import { Client } from 'pg';
import { type AssistantApp, createAssistantApp } from '../support/assistant-app';
import { createScratchDatabase } from '../support/scratch-database';
import { createTestApp } from '../support/test-app';

/**
 * The assistant on Gemini, through the real SDK against a server that speaks its protocol: the
 * streamed reply becomes the assistant message with its token usage; a provider fault fails the
 * run with its code, stores no message, shows in /health/status and leaves readiness alone.
 */
describe('the assistant on Gemini (e2e)', () => {
  let fake: FakeGeminiServer;
  let assistant: AssistantApp;
  let app: INestApplication;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    fake = await FakeGeminiServer.start();
    assistant = await createAssistantApp('assistant_gemini', {
      AGENT_PROVIDER: 'gemini',
      GEMINI_API_KEY: FAKE_GEMINI_KEY,
      GEMINI_BASE_URL: fake.baseUrl,
      AGENT_TEMPERATURE: '0.3',
      AGENT_MAX_OUTPUT_TOKENS: '256',
    });
    ({ app, server, base } = assistant);
  });

  afterAll(async () => {
    await assistant.close();
    await fake.close();
  });

  async function conversation(content: string): Promise<{ sessionId: string; socket: LiveSocket }> {
    const created = await request(server)
      .post('/api/sessions')
      .send({ title: 'Attic' })
      .expect(201);
    const sessionId = (created.body as { id: string }).id;
    const socket = await LiveSocket.connect(base);
    await socket.request('session:join', { sessionId });
    await request(server).post(`/api/sessions/${sessionId}/messages`).send({ content }).expect(201);
    return { sessionId, socket };
  }

  it('should store the streamed reply with its usage, having sent the conversation and settings', async () => {
    fake.script({ chunks: ['Insulate ', 'the attic ', 'first.'], chunkDelayMs: 20 });
    const { sessionId, socket } = await conversation('Where do I start with the attic?');
    try {
      const reply = await socket.waitFor<{ role: string; content: string }>(
        'message.created',
        (message) => message.role === 'assistant',
      );
      expect(reply.content).toBe('Insulate the attic first.');
      const [stream] = fake.streamRequests;
      const body = stream?.body as {
        contents: Array<{ role: string; parts: Array<{ text: string }> }>;
        generationConfig: { temperature: number; maxOutputTokens: number };
        systemInstruction: { parts: Array<{ text: string }> };
      };
      expect(body.contents.at(-1)).toEqual({
        role: 'user',
        parts: [{ text: 'Where do I start with the attic?' }],
      });
      expect(body.generationConfig).toMatchObject({ temperature: 0.3, maxOutputTokens: 256 });
      expect(body.systemInstruction.parts[0]?.text).toMatch(/Attic/);
      const runs = await request(server).get(`/api/sessions/${sessionId}/runs`).expect(200);
      expect(runs.body[0]).toMatchObject({ status: 'completed', inputTokens: 17, outputTokens: 5 });
    } finally {
      socket.close();
    }
  });

  it('should fail the run on a bad key, store no message, and report it without failing readiness', async () => {
    fake.script({ apiKey: 'another-key' });
    const { sessionId, socket } = await conversation('Is my key right?');
    try {
      const failed = await socket.waitFor<{ code: string; retryable: boolean }>('run.failed');
      expect(failed).toMatchObject({ code: 'invalid_key', retryable: false });
      await sleep(100);
      const roles = await app
        .get(DataSource)
        .query<Array<{ role: string }>>('SELECT role FROM messages WHERE session_id = $1', [
          sessionId,
        ]);
      expect(roles).toEqual([{ role: 'user' }]);
      expect(fake.streamRequests).toHaveLength(1);

      const status = await request(server).get('/health/status').expect(200);
      expect(status.body.agent).toMatchObject({
        provider: 'gemini',
        runsEnabled: true,
        lastProviderError: { code: 'invalid_key' },
      });
      await request(server).get('/health/ready').expect(200);
    } finally {
      socket.close();
    }
  });

  it('should fail a reply cut mid-stream without storing half of it, and count it in /metrics', async () => {
    fake.script({ chunks: ['Half ', 'of a ', 'reply'], cutAfterChunks: 1, chunkDelayMs: 60 });
    const { sessionId, socket } = await conversation('Tell me about dormers');
    try {
      const failed = await socket.waitFor<{ code: string; retryable: boolean }>('run.failed');
      expect(failed).toMatchObject({ code: 'stream_cut', retryable: false });
      const roles = await app
        .get(DataSource)
        .query<Array<{ role: string }>>('SELECT role FROM messages WHERE session_id = $1', [
          sessionId,
        ]);
      expect(roles).toEqual([{ role: 'user' }]);
      const metrics = await request(server).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/agent_provider_errors_total\{code="stream_cut"\} 1/);
      expect(metrics.text).toMatch(/agent_runs_total\{outcome="completed"\} 1/);
    } finally {
      socket.close();
    }
  });

  it('should retry a 503 before the first token and then answer', async () => {
    fake.script({ failFirst: 1, failStatus: 503, chunks: ['Back again.'] });
    const { socket } = await conversation('Are you there?');
    try {
      const reply = await socket.waitFor<{ role: string; content: string }>(
        'message.created',
        (message) => message.role === 'assistant',
      );
      expect(reply.content).toBe('Back again.');
      expect(fake.streamRequests).toHaveLength(2);
    } finally {
      socket.close();
    }
  });
});

/**
 * A Gemini reply still streaming when its replica shuts down is handed back, and the next replica
 * continues it: the text stored so far goes to the model as a trailing `model` turn (the fake
 * server, like the model, then streams only the rest), and the stored message is that text plus
 * the continuation, once.
 */
describe('a Gemini reply handed back at shutdown (e2e)', () => {
  const WHOLE = ['Insulate ', 'the attic ', 'first, ', 'then ', 'the walls ', 'and ', 'the roof.'];
  let fake: FakeGeminiServer;

  beforeAll(async () => {
    fake = await FakeGeminiServer.start();
  });

  afterAll(async () => {
    await fake.close();
  });

  it('should be continued by the next replica from the stored text, sent as a trailing model turn', async () => {
    fake.script({ chunks: WHOLE, chunkDelayMs: 150 });
    const scratch = await createScratchDatabase('assistant_gemini_resume');
    const env = {
      DATABASE_URL: scratch.url,
      AGENT_RUNS_ENABLED: 'true',
      AGENT_PROVIDER: 'gemini',
      GEMINI_API_KEY: FAKE_GEMINI_KEY,
      GEMINI_BASE_URL: fake.baseUrl,
      AGENT_DRAIN_MS: '100',
    };
    const db = new Client({ connectionString: scratch.url });
    await db.connect();
    let second: INestApplication | undefined;
    try {
      const first = await createTestApp({ listen: true, env });
      const created = await request(first.getHttpServer())
        .post('/api/sessions')
        .send({ title: 'Attic' })
        .expect(201);
      const sessionId = (created.body as { id: string }).id;
      await request(first.getHttpServer())
        .post(`/api/sessions/${sessionId}/messages`)
        .send({ content: 'Where do I start?' })
        .expect(201);
      await eventuallyStored(db, "partial_text <> ''");

      await first.close();
      const [handedBack] = await runRows(db);
      expect(handedBack).toMatchObject({ status: 'queued', attempt: 1 });
      const soFar = handedBack?.partial_text ?? '';
      expect(WHOLE.join('').startsWith(soFar)).toBe(true);
      expect(soFar.length).toBeLessThan(WHOLE.join('').length);

      second = await createTestApp({ listen: true, env });
      await eventuallyStored(db, "status = 'completed'");

      const resumed = fake.streamRequests.at(-1)?.body as {
        contents: Array<{ role: string; parts: Array<{ text: string }> }>;
      };
      expect(resumed.contents.slice(-2)).toEqual([
        { role: 'user', parts: [{ text: 'Where do I start?' }] },
        { role: 'model', parts: [{ text: soFar }] },
      ]);
      const { rows: replies } = await db.query<{ content: string }>(
        "SELECT content FROM messages WHERE session_id = $1 AND role = 'assistant'",
        [sessionId],
      );
      expect(replies).toEqual([{ content: WHOLE.join('') }]);
      expect(await runRows(db)).toEqual([
        expect.objectContaining({ status: 'completed', attempt: 2 }),
      ]);
    } finally {
      await second?.close();
      await db.end();
      await scratch.drop();
    }
  });
});

async function runRows(
  db: Client,
): Promise<Array<{ status: string; attempt: number; partial_text: string }>> {
  const { rows } = await db.query<{ status: string; attempt: number; partial_text: string }>(
    'SELECT status, attempt, partial_text FROM agent_runs',
  );
  return rows;
}

/** Waits (bounded, to catch a hang) until the only run matches `condition`. */
async function eventuallyStored(db: Client, condition: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { rows } = await db.query(`SELECT 1 FROM agent_runs WHERE ${condition}`);
    if (rows.length > 0) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`no run with ${condition} in time`);
    }
    await sleep(50);
  }
}

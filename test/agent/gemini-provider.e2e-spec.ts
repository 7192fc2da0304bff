import type { AgentSessionContext } from '../../src/agent/agent-session-context';
import { GeminiProvider } from '../../src/agent/providers/gemini/gemini-provider';
import type { GeminiProviderOptions } from '../../src/agent/providers/gemini/gemini-provider-options';
import type { ReplyEvent, ReplyRequest } from '../../src/agent/providers/model-provider';
import { ProviderError } from '../../src/agent/providers/provider-error';
import {
  FAKE_GEMINI_KEY,
  FAKE_GEMINI_MODEL,
  FakeGeminiServer,
} from '../support/fake-gemini-server';
import { freePort } from '../support/ports';

/**
 * The Gemini provider end to end through @google/genai's real HTTP client, against a local server
 * that speaks the Gemini wire protocol. Nothing is mocked at the function level.
 */

const session: AgentSessionContext = {
  phase: 'INTAKE',
  title: 'Kitchen refresh',
  totalBudget: '25000.00',
  currency: 'USD',
  paymentsEnabled: false,
};

let fake: FakeGeminiServer;

beforeAll(async () => {
  fake = await FakeGeminiServer.start();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => fake.script());

function provider(overrides: Partial<GeminiProviderOptions> = {}): GeminiProvider {
  return new GeminiProvider({
    apiKey: FAKE_GEMINI_KEY,
    model: FAKE_GEMINI_MODEL,
    baseUrl: fake.baseUrl,
    temperature: 0.4,
    maxOutputTokens: 512,
    requestTimeoutMs: 5_000,
    retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200 },
    ...overrides,
  });
}

function request(signal: AbortSignal = new AbortController().signal): ReplyRequest {
  return {
    systemPrompt: 'You are a renovation planning assistant.',
    messages: [
      { role: 'user', content: 'I want to redo my kitchen.' },
      { role: 'assistant', content: 'How big is it?' },
      { role: 'user', content: 'About 12 square metres.' },
    ],
    session,
    signal,
  };
}

/** Drains the stream; returns what arrived and the error it ended with, if any. */
async function collect(
  stream: AsyncIterable<ReplyEvent>,
  onEvent?: (event: ReplyEvent) => void,
): Promise<{ events: ReplyEvent[]; text: string; error?: ProviderError }> {
  const events: ReplyEvent[] = [];
  try {
    for await (const event of stream) {
      events.push(event);
      onEvent?.(event);
    }
  } catch (error) {
    if (!(error instanceof ProviderError)) {
      throw error;
    }
    return { events, text: textOf(events), error };
  }
  return { events, text: textOf(events) };
}

function textOf(events: ReplyEvent[]): string {
  return events.map((e) => (e.type === 'text' ? e.text : '')).join('');
}

async function validationError(p: GeminiProvider): Promise<ProviderError> {
  try {
    await p.validate(new AbortController().signal);
  } catch (error) {
    if (error instanceof ProviderError) {
      return error;
    }
    throw error;
  }
  throw new Error('validate() succeeded');
}

describe('GeminiProvider through the SDK', () => {
  it('should stream the text in order and end with the usage', async () => {
    fake.script({
      chunks: ['Let us ', 'plan your ', 'kitchen.'],
      promptTokenCount: 31,
      candidatesTokenCount: 9,
    });

    const { events, error } = await collect(provider().streamReply(request()));

    expect(error).toBeUndefined();
    expect(events).toEqual([
      { type: 'text', text: 'Let us ' },
      { type: 'text', text: 'plan your ' },
      { type: 'text', text: 'kitchen.' },
      { type: 'end', usage: { inputTokens: 31, outputTokens: 9 }, finishReason: 'stop' },
    ]);
  });

  it('should send the key, model, system instruction, contents, temperature and token limit', async () => {
    await collect(provider().streamReply(request()));

    expect(fake.requests).toHaveLength(1);
    const [sent] = fake.requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.path).toBe(`/v1beta/models/${FAKE_GEMINI_MODEL}:streamGenerateContent`);
    expect(sent?.query).toEqual({ alt: 'sse' });
    expect(sent?.apiKey).toBe(FAKE_GEMINI_KEY);
    expect(sent?.body).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'I want to redo my kitchen.' }] },
        { role: 'model', parts: [{ text: 'How big is it?' }] },
        { role: 'user', parts: [{ text: 'About 12 square metres.' }] },
      ],
      systemInstruction: {
        role: 'user',
        parts: [{ text: 'You are a renovation planning assistant.' }],
      },
      generationConfig: { temperature: 0.4, maxOutputTokens: 512 },
    });
  });

  it('should continue a reply: the reply so far sent as a trailing model turn, only the rest streamed', async () => {
    fake.script({ chunks: ['Let us ', 'plan your ', 'kitchen.'] });

    const { text, error } = await collect(
      provider().streamReply({ ...request(), continueFrom: 'Let us pl' }),
    );

    expect(error).toBeUndefined();
    const [sent] = fake.streamRequests;
    expect((sent?.body as { contents: unknown[] }).contents).toEqual([
      { role: 'user', parts: [{ text: 'I want to redo my kitchen.' }] },
      { role: 'model', parts: [{ text: 'How big is it?' }] },
      { role: 'user', parts: [{ text: 'About 12 square metres.' }] },
      { role: 'model', parts: [{ text: 'Let us pl' }] },
    ]);
    expect(text).toBe('an your kitchen.');
  });

  it('should send no trailing model turn for an empty reply so far', async () => {
    await collect(provider().streamReply({ ...request(), continueFrom: '' }));

    const [sent] = fake.streamRequests;
    const contents = (sent?.body as { contents: Array<{ role: string }> }).contents;
    expect(contents.at(-1)?.role).toBe('user');
  });

  it('should send a thinking budget only when one is set', async () => {
    await collect(provider({ thinkingBudget: 0 }).streamReply(request()));

    expect(fake.requests[0]?.body).toMatchObject({
      generationConfig: {
        temperature: 0.4,
        maxOutputTokens: 512,
        thinkingConfig: { thinkingBudget: 0 },
      },
    });
  });

  it('should report max_tokens when the reply was truncated by the output limit', async () => {
    fake.script({ finishReason: 'MAX_TOKENS' });

    const { events } = await collect(provider().streamReply(request()));

    expect(events.at(-1)).toMatchObject({ type: 'end', finishReason: 'max_tokens' });
  });

  it('should fail a bad key with invalid_key (a 400 API_KEY_INVALID) and not retry it', async () => {
    const { events, error } = await collect(provider({ apiKey: 'wrong' }).streamReply(request()));

    expect(events).toEqual([]);
    expect(error).toMatchObject({
      code: 'invalid_key',
      retryable: false,
      status: 400,
      attempts: 1,
    });
    expect(fake.requests).toHaveLength(1);
  });

  it('should fail an unknown model with unknown_model and not retry it', async () => {
    const { error } = await collect(provider({ model: 'gemini-0-nope' }).streamReply(request()));

    expect(error).toMatchObject({ code: 'unknown_model', retryable: false, status: 404 });
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    [429, 'rate_limited'],
    [503, 'unavailable'],
  ] as const)('should retry a %s (%s) with backoff and then succeed', async (status, code) => {
    fake.script({ failFirst: 2, failStatus: status, chunks: ['Recovered.'] });
    const once = await collect(provider({ retry: { maxAttempts: 1 } }).streamReply(request()));
    expect(once.error).toMatchObject({ code, retryable: true, status });
    fake.script({ failFirst: 2, failStatus: status, chunks: ['Recovered.'] });
    const started = Date.now();

    const { text, error } = await collect(provider().streamReply(request()));

    expect(error).toBeUndefined();
    expect(text).toBe('Recovered.');
    expect(fake.streamRequests).toHaveLength(3);
    // Two backoffs of at least half of 20 ms and 40 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
  });

  it('should wait as long as a 429 RetryInfo asks before retrying', async () => {
    fake.script({ failFirst: 1, failStatus: 429, retryDelay: '0.15s' });
    const started = Date.now();

    const { error } = await collect(provider().streamReply(request()));

    expect(error).toBeUndefined();
    expect(fake.streamRequests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('should give up at once when a 429 asks for a longer wait than the policy allows', async () => {
    fake.script({ failFirst: 5, failStatus: 429, retryDelay: '30s' });

    const { error } = await collect(provider().streamReply(request()));

    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 30_000 });
    expect(fake.streamRequests).toHaveLength(1);
  });

  it('should fail with unavailable after the bounded attempts when the service stays down', async () => {
    fake.script({ failFirst: 100, failStatus: 503 });

    const { error } = await collect(provider().streamReply(request()));

    expect(error).toMatchObject({ code: 'unavailable', retryable: true, status: 503, attempts: 4 });
    expect(error?.message).toMatch(/after 4 attempts/);
    expect(fake.streamRequests).toHaveLength(4);
  });

  it('should fail with stream_cut, not retried, when the connection drops after the first chunk', async () => {
    fake.script({ chunks: ['First part, ', 'never sent'], cutAfterChunks: 1 });

    const { text, error } = await collect(provider().streamReply(request()));

    expect(text).toBe('First part, ');
    expect(error).toMatchObject({ code: 'stream_cut', retryable: false });
    expect(fake.streamRequests).toHaveLength(1);
  });

  it('should fail with stream_cut when the stream ends cleanly without a finishReason', async () => {
    fake.script({ chunks: ['Only ', 'this'], finishReason: null });
    const { text, error } = await collect(provider().streamReply(request()));

    expect(text).toBe('Only this');
    expect(error).toMatchObject({ code: 'stream_cut', retryable: false });
  });

  it('should retry a drop that came before any text', async () => {
    fake.script({ cutAfterChunks: 0, failFirst: 0 });
    const p = provider({ retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 } });

    const { text, error } = await collect(p.streamReply(request()));

    expect(text).toBe('');
    expect(error).toMatchObject({ code: 'stream_cut', retryable: true, attempts: 2 });
    expect(fake.streamRequests).toHaveLength(2);
  });

  it('should stop promptly with cancelled when aborted mid-stream', async () => {
    fake.script({ chunks: ['one ', 'two ', 'three ', 'four '], chunkDelayMs: 300 });
    const controller = new AbortController();
    let abortedAt = 0;

    const { text, error } = await collect(
      provider().streamReply(request(controller.signal)),
      () => {
        if (abortedAt === 0) {
          abortedAt = Date.now();
          controller.abort();
        }
      },
    );

    expect(text).toBe('one ');
    expect(error).toMatchObject({ code: 'cancelled', retryable: false });
    expect(Date.now() - abortedAt).toBeLessThan(250);
  });

  it('should release the connection when the consumer stops reading early', async () => {
    fake.script({ chunks: ['Enough ', 'of this'], stallAfterChunks: 1 });

    for await (const event of provider().streamReply(request())) {
      expect(event).toEqual({ type: 'text', text: 'Enough ' });
      break;
    }

    const deadline = Date.now() + 2_000;
    while (fake.activeStreams > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(fake.activeStreams).toBe(0);
  });

  it('should stop with cancelled while waiting to retry', async () => {
    fake.script({ failFirst: 100, failStatus: 503 });
    const controller = new AbortController();
    const p = provider({ retry: { maxAttempts: 5, baseDelayMs: 5_000, maxDelayMs: 5_000 } });
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);

    const { error } = await collect(p.streamReply(request(controller.signal)));

    expect(error).toMatchObject({ code: 'cancelled' });
    expect(fake.streamRequests).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('should fail with timeout when the server does not answer in time', async () => {
    fake.script({ responseDelayMs: 2_000 });
    const p = provider({
      requestTimeoutMs: 150,
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
    });
    const started = Date.now();

    const { error } = await collect(p.streamReply(request()));

    expect(error).toMatchObject({ code: 'timeout', retryable: true, attempts: 2 });
    expect(fake.streamRequests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('should fail with stream_cut when the stream stalls after the first chunk', async () => {
    fake.script({ chunks: ['Started ', 'never finished'], stallAfterChunks: 1 });

    const { text, error } = await collect(
      provider({ requestTimeoutMs: 150 }).streamReply(request()),
    );

    expect(text).toBe('Started ');
    expect(error).toMatchObject({ code: 'stream_cut', retryable: false });
    expect(error?.message).toMatch(/no response from the server for 150 ms/);
  });

  it('should not time out a slow stream whose chunks keep coming', async () => {
    fake.script({ chunks: ['a', 'b', 'c', 'd'], chunkDelayMs: 100 });

    const { text, error } = await collect(
      provider({ requestTimeoutMs: 400 }).streamReply(request()),
    );

    expect(error).toBeUndefined();
    expect(text).toBe('abcd');
  });
});

describe('GeminiProvider.validate', () => {
  it('should pass with a good key and model, with one models.get', async () => {
    await expect(provider().validate(new AbortController().signal)).resolves.toBeUndefined();

    expect(fake.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: `/v1beta/models/${FAKE_GEMINI_MODEL}`,
        apiKey: FAKE_GEMINI_KEY,
      }),
    ]);
  });

  it('should name provider, model and cause on one line for a bad key', async () => {
    const error = await validationError(provider({ apiKey: 'wrong' }));

    expect(error.code).toBe('invalid_key');
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(/^gemini model "gemini-2\.5-flash": invalid_key \(HTTP 400\): /);
    expect(error.message).toContain('API key not valid');
  });

  it('should name provider, model and cause on one line for an unknown model', async () => {
    const error = await validationError(provider({ model: 'gemini-0-nope' }));

    expect(error.code).toBe('unknown_model');
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(/^gemini model "gemini-0-nope": unknown_model \(HTTP 404\): /);
    expect(error.message).toContain('models/gemini-0-nope is not found');
  });

  it('should name provider, model and cause on one line when nothing listens', async () => {
    const closedPort = await freePort();

    const error = await validationError(provider({ baseUrl: `http://127.0.0.1:${closedPort}` }));

    expect(error.code).toBe('unreachable');
    expect(error.retryable).toBe(true);
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(/^gemini model "gemini-2\.5-flash": unreachable: /);
    expect(error.message).toContain('ECONNREFUSED');
  });
});

import { AGENT_PHASES, type AgentSessionContext } from '../../agent-session-context';
import { parseCents } from '../../money/minor-units';
import type { ReplyEvent, ReplyRequest } from '../model-provider';
import { ProviderError } from '../provider-error';
import { OFFLINE_NOTICE } from './offline-replies';
import { OfflineProvider } from './offline-provider';

const session: AgentSessionContext = {
  phase: 'INTAKE',
  title: 'Kitchen refresh',
  totalBudget: '25000.00',
  currency: 'USD',
  paymentsEnabled: false,
};

function request(
  changes: Partial<AgentSessionContext> = {},
  said = 'I want new kitchen cabinets and a new floor.',
  signal: AbortSignal = new AbortController().signal,
): ReplyRequest {
  return {
    systemPrompt: 'You are a renovation planning assistant.',
    messages: [{ role: 'user', content: said }],
    session: { ...session, ...changes },
    signal,
  };
}

async function collect(
  stream: AsyncIterable<ReplyEvent>,
): Promise<{ events: ReplyEvent[]; text: string }> {
  const events: ReplyEvent[] = [];
  for await (const event of stream) {
    events.push(event);
  }
  return { events, text: events.map((e) => (e.type === 'text' ? e.text : '')).join('') };
}

const fast = new OfflineProvider({ tokensPerSecond: 0 });

describe('OfflineProvider', () => {
  it('should describe itself and always validate', async () => {
    expect(fast.describe()).toEqual({ provider: 'offline', model: 'scripted' });
    await expect(fast.validate(new AbortController().signal)).resolves.toBeUndefined();
  });

  it.each(AGENT_PHASES)(
    'should say it is offline and answer the same way twice in %s',
    async (phase) => {
      const first = await collect(fast.streamReply(request({ phase })));
      const second = await collect(fast.streamReply(request({ phase })));

      expect(first.text.startsWith(OFFLINE_NOTICE)).toBe(true);
      expect(second.events).toEqual(first.events);
    },
  );

  it('should stream word-ish chunks and count them as output tokens', async () => {
    const { events, text } = await collect(fast.streamReply(request()));
    const chunks = events.filter((e) => e.type === 'text');
    const end = events.at(-1);

    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.every((c) => c.text.trim() !== '' && !/\S\s+\S/.test(c.text))).toBe(true);
    expect(end).toEqual({
      type: 'end',
      usage: { inputTokens: 6 + 9, outputTokens: chunks.length },
      finishReason: 'stop',
    });
    expect(text.length).toBeGreaterThan(0);
  });

  it('should ask about rooms, size, budget and timeline during intake', async () => {
    const { text } = await collect(fast.streamReply(request({ phase: 'INTAKE' })));

    expect(text).toMatch(/Which rooms/);
    expect(text).toMatch(/how big/);
    expect(text).toMatch(/25,000\.00 USD/);
    expect(text).toMatch(/timeline/);
    expect(text).toContain('So far you mentioned: kitchen, kitchen cabinets, flooring.');
  });

  it('should list the work for what the homeowner mentioned in CHECKLIST', async () => {
    const { text } = await collect(fast.streamReply(request({ phase: 'CHECKLIST' })));

    expect(text).toContain('Kitchen cabinets:');
    expect(text).toContain('- [ ] Remove the old cabinets and protect the floor');
    expect(text).toContain('- [ ] Measure the walls and draw the layout');
    expect(text).toContain('- [ ] Install and level the base cabinets, then the wall cabinets');
    expect(text).toContain('Flooring:');
    expect(text).not.toContain('Bathroom:');
  });

  it('should split the budget into categories that add up exactly to it in PLAN', async () => {
    for (const totalBudget of ['25000.00', '12345.67', '0.05', '999999999999.99']) {
      const { text } = await collect(fast.streamReply(request({ phase: 'PLAN', totalBudget })));
      const amounts = [...text.matchAll(/^- .+\(\d+%\): ([\d,]+\.\d\d) USD$/gm)].map((m) =>
        parseCents((m[1] ?? '').replace(/,/g, '')),
      );

      expect(amounts).toHaveLength(6);
      expect(amounts.reduce<bigint>((sum, a) => sum + (a ?? 0n), 0n)).toBe(parseCents(totalBudget));
    }
  });

  it('should give percentages and ask for a budget when none is set', async () => {
    const { text } = await collect(fast.streamReply(request({ phase: 'PLAN', totalBudget: null })));

    expect(text).toContain('No total budget is set yet');
    expect(text).toContain('- Contingency: 10%');
  });

  it('should pace the stream at the token rate', async () => {
    const paced = new OfflineProvider({ tokensPerSecond: 200 });
    const started = performance.now();

    const { events } = await collect(paced.streamReply(request({ phase: 'COMPLETE' })));
    const tokens = events.length - 1;

    // n tokens at 200/s take at least (n - 1) × 5 ms; the upper bound is only a sanity check.
    expect(performance.now() - started).toBeGreaterThanOrEqual((tokens - 1) * 5 - 5);
    expect(performance.now() - started).toBeLessThan(tokens * 5 + 2_000);
  });

  it('should stop with cancelled as soon as it is aborted', async () => {
    const slow = new OfflineProvider({ tokensPerSecond: 5 });
    const controller = new AbortController();
    const events: ReplyEvent[] = [];
    let error: unknown;
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();

    try {
      for await (const event of slow.streamReply(request({}, 'kitchen', controller.signal))) {
        events.push(event);
      }
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'cancelled', retryable: false });
    expect(events.length).toBe(1);
    expect(performance.now() - started).toBeLessThan(150);
  });

  it('should not start when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();

    await expect(
      collect(fast.streamReply(request({}, 'kitchen', controller.signal))),
    ).rejects.toMatchObject({
      code: 'cancelled',
    });
  });

  it('should refuse a negative rate', () => {
    expect(() => new OfflineProvider({ tokensPerSecond: -1 })).toThrow(RangeError);
  });

  describe('continuing a reply', () => {
    it.each([1, 5, 17])(
      'should stream only what follows the first %i chunks, so prefix + continuation is the reply once',
      async (chunks) => {
        const whole = await collect(fast.streamReply(request()));
        const texts = whole.events.flatMap((e) => (e.type === 'text' ? [e.text] : []));
        const prefix = texts.slice(0, chunks).join('');

        const rest = await collect(fast.streamReply({ ...request(), continueFrom: prefix }));

        expect(rest.text).toBe(texts.slice(chunks).join(''));
        expect(prefix + rest.text).toBe(whole.text);
        expect(rest.events.at(-1)).toMatchObject({ type: 'end', finishReason: 'stop' });
      },
    );

    it('should continue a prefix that ends inside a word', async () => {
      const whole = await collect(fast.streamReply(request()));
      const prefix = whole.text.slice(0, OFFLINE_NOTICE.length + 7);

      const rest = await collect(fast.streamReply({ ...request(), continueFrom: prefix }));

      expect(prefix + rest.text).toBe(whole.text);
    });

    it('should add nothing to a prefix its reply does not start with', async () => {
      const rest = await collect(
        fast.streamReply({ ...request(), continueFrom: 'Something another model said' }),
      );

      expect(rest.text).toBe('');
      expect(rest.events).toEqual([expect.objectContaining({ type: 'end', finishReason: 'stop' })]);
    });

    it('should count the conversation as input whether it continues or not', async () => {
      const whole = await collect(fast.streamReply(request()));
      const rest = await collect(
        fast.streamReply({ ...request(), continueFrom: whole.text.slice(0, 40) }),
      );

      expect(rest.events.at(-1)).toMatchObject({
        usage: {
          inputTokens: (whole.events.at(-1) as { usage: { inputTokens: number } }).usage
            .inputTokens,
        },
      });
    });
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { AttemptSignal } from './attempt-signal';

describe('AttemptSignal', () => {
  it('should abort and say it expired when nothing happens for the idle time', async () => {
    const attempt = new AttemptSignal(new AbortController().signal, 30);

    await sleep(80);

    expect(attempt.signal.aborted).toBe(true);
    expect(attempt.expired).toBe(true);
    attempt.dispose();
  });

  it('should not expire while progress keeps re-arming it', async () => {
    const attempt = new AttemptSignal(new AbortController().signal, 60);
    for (let i = 0; i < 4; i += 1) {
      await sleep(25);
      attempt.touch();
    }

    expect(attempt.signal.aborted).toBe(false);
    attempt.dispose();
  });

  it('should not count time on hold', async () => {
    const attempt = new AttemptSignal(new AbortController().signal, 30);
    attempt.hold();

    await sleep(80);

    expect(attempt.signal.aborted).toBe(false);
    attempt.dispose();
  });

  it('should follow the caller and not call that a timeout', () => {
    const caller = new AbortController();
    const attempt = new AttemptSignal(caller.signal, 1_000);

    caller.abort();

    expect(attempt.signal.aborted).toBe(true);
    expect(attempt.expired).toBe(false);
    attempt.dispose();
  });

  it('should start aborted when the caller already is', () => {
    const caller = new AbortController();
    caller.abort();

    expect(new AttemptSignal(caller.signal, 0).signal.aborted).toBe(true);
  });

  it('should abort on dispose, which releases a stream the consumer left early', () => {
    const attempt = new AttemptSignal(new AbortController().signal, 0);

    attempt.dispose();

    expect(attempt.signal.aborted).toBe(true);
    expect(attempt.expired).toBe(false);
  });
});

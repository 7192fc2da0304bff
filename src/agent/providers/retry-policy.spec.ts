import { backoffDelayMs, sleepUnlessAborted, type RetryPolicy } from './retry-policy';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('backoffDelayMs', () => {
  it('should double each step and stay in the upper half of it', () => {
    expect(backoffDelayMs(1, policy, () => 0)).toBe(50);
    expect(backoffDelayMs(1, policy, () => 1)).toBe(100);
    expect(backoffDelayMs(2, policy, () => 0)).toBe(100);
    expect(backoffDelayMs(3, policy, () => 1)).toBe(400);
  });

  it('should never wait longer than the cap', () => {
    for (let retry = 1; retry < 40; retry += 1) {
      expect(backoffDelayMs(retry, policy, () => 1)).toBeLessThanOrEqual(1_000);
    }
    expect(backoffDelayMs(10, policy, () => 0)).toBe(500);
  });
});

describe('sleepUnlessAborted', () => {
  it('should end early with the abort', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);

    await expect(sleepUnlessAborted(10_000, controller.signal)).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

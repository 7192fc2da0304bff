import { setTimeout as sleep } from 'node:timers/promises';
import { settlesWithin, TimeoutError, withTimeout } from './with-timeout';

describe('withTimeout', () => {
  it('should resolve with the value of work that finishes in time', async () => {
    await expect(withTimeout(Promise.resolve(42), 100)).resolves.toBe(42);
  });

  it('should reject with a TimeoutError naming the bound when work outlives it', async () => {
    const outcome = withTimeout(sleep(500), 20, 'stop LISTEN');
    await expect(outcome).rejects.toBeInstanceOf(TimeoutError);
    await expect(outcome).rejects.toThrow('stop LISTEN timed out after 20 ms');
  });

  it('should pass on the rejection of work, and a synchronous throw as a rejection', async () => {
    await expect(withTimeout(Promise.reject(new Error('boom')), 100)).rejects.toThrow('boom');
    await expect(
      withTimeout(() => {
        throw new Error('sync');
      }, 100),
    ).rejects.toThrow('sync');
  });

  it('should leave no timer behind once work has settled', async () => {
    const spy = jest.spyOn(global, 'clearTimeout');
    await withTimeout(Promise.resolve(), 10_000);
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });
});

describe('settlesWithin', () => {
  it('should say whether work settled inside the bound', async () => {
    await expect(settlesWithin(Promise.resolve(), 50)).resolves.toBe(true);
    await expect(settlesWithin(sleep(300), 20)).resolves.toBe(false);
  });
});

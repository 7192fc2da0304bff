import { SingleFlightCache } from './single-flight-cache';

describe('SingleFlightCache', () => {
  let clock: number;
  let cache: SingleFlightCache<number>;
  let calls: number;
  const compute = (): Promise<number> => {
    calls += 1;
    return Promise.resolve(calls);
  };

  beforeEach(() => {
    clock = 1_000;
    calls = 0;
    cache = new SingleFlightCache<number>(1_000, () => clock);
  });

  it('should share one computation among concurrent callers', async () => {
    let release: (value: number) => void = () => undefined;
    const slow = jest.fn(
      () =>
        new Promise<number>((resolve) => {
          release = resolve;
        }),
    );

    const results = Promise.all(Array.from({ length: 20 }, () => cache.get(slow)));
    release(7);

    expect(await results).toEqual(Array.from({ length: 20 }, () => 7));
    expect(slow).toHaveBeenCalledTimes(1);
  });

  it('should serve the stored result within the time to live', async () => {
    await cache.get(compute);
    clock += 999;

    expect(await cache.get(compute)).toBe(1);
    expect(calls).toBe(1);
  });

  it('should compute again once the result is older than the time to live', async () => {
    await cache.get(compute);
    clock += 1_000;

    expect(await cache.get(compute)).toBe(2);
  });

  it('should not store a failure, so the next caller tries again', async () => {
    await expect(cache.get(() => Promise.reject(new Error('down')))).rejects.toThrow('down');

    expect(await cache.get(compute)).toBe(1);
  });

  it('should compute again after invalidate()', async () => {
    await cache.get(compute);
    cache.invalidate();

    expect(await cache.get(compute)).toBe(2);
  });
});

import { DatabasePing } from './database-ping';

describe('DatabasePing', () => {
  it('should report up with the latency when the query answers', async () => {
    const ping = new DatabasePing(() => Promise.resolve([{ '?column?': 1 }]), 1_000);

    expect(await ping.ping()).toEqual({ up: true, latencyMs: expect.any(Number) as number });
  });

  it('should name the cause when the connection is refused', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    const ping = new DatabasePing(() => Promise.reject(refused), 1_000);

    expect(await ping.ping()).toEqual({
      up: false,
      message: expect.stringMatching(/connection refused/) as string,
    });
  });

  it('should answer down at the deadline while the query hangs, without sending another', async () => {
    let finish: () => void = () => undefined;
    const query = jest
      .fn(() => Promise.resolve())
      .mockImplementationOnce(
        () =>
          new Promise<void>((resolve) => {
            finish = resolve;
          }),
      );
    const ping = new DatabasePing(query, 20);

    expect(await ping.ping()).toEqual({ up: false, message: 'no answer within 20 ms' });
    expect(await ping.ping()).toEqual({ up: false, message: 'no answer within 20 ms' });
    expect(query).toHaveBeenCalledTimes(1);

    finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await ping.ping()).up).toBe(true);
    expect(query).toHaveBeenCalledTimes(2);
  });
});

import { drainInBatches } from './drain-in-batches';
import { CLOSE_WINDOW_MAX_MS, closeWindowMs } from './drain-timing';

interface FakeClient {
  id: number;
  notified: boolean;
  closedAt: number | undefined;
  gone: Promise<void>;
  leave(): void;
}

function clients(count: number): FakeClient[] {
  return Array.from({ length: count }, (_, id) => {
    let leave: () => void = () => undefined;
    const gone = new Promise<void>((resolve) => (leave = resolve));
    return { id, notified: false, closedAt: undefined, gone, leave };
  });
}

describe('closeWindowMs', () => {
  it('should let one client go at once and widen the window with the number of clients', () => {
    expect(closeWindowMs(0, 2000)).toBe(0);
    expect(closeWindowMs(1, 2000)).toBe(0);
    expect(closeWindowMs(251, 10_000)).toBe(500);
  });

  it('should keep the window inside half the deadline and under its cap', () => {
    expect(closeWindowMs(10_000, 2000)).toBe(1000);
    expect(closeWindowMs(100_000, 60_000)).toBe(CLOSE_WINDOW_MAX_MS);
  });
});

describe('drainInBatches', () => {
  it('should notify a single client and close it at once, on the next timer', async () => {
    const [only] = clients(1);
    const started = Date.now();
    const draining = drainInBatches(
      {
        clients: [only!],
        notify: (client) => (client.notified = true),
        close: (client) => {
          client.closedAt = Date.now();
          client.leave();
        },
        closed: (client) => client.gone,
        cutAll: () => 0,
      },
      2000,
    );
    expect(only?.notified).toBe(true);
    expect(only?.closedAt).toBeUndefined();
    await expect(draining).resolves.toEqual({ clients: 1, cut: 0 });
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('should notify every client before closing any, and close each exactly once', async () => {
    const all = clients(300);
    const order: string[] = [];
    const result = await drainInBatches(
      {
        clients: all,
        notify: (client) => order.push(`notify ${client.id}`),
        close: (client) => {
          order.push(`close ${client.id}`);
          client.leave();
        },
        closed: (client) => client.gone,
        cutAll: () => 0,
      },
      2000,
    );
    expect(result).toEqual({ clients: 300, cut: 0 });
    expect(order.slice(0, 300).every((entry) => entry.startsWith('notify'))).toBe(true);
    expect(new Set(order.slice(300)).size).toBe(300);
  });

  it('should cut the clients that are still open at the deadline', async () => {
    const stubborn = clients(3);
    const cutAll = jest.fn(() => 3);
    const result = await drainInBatches(
      { clients: stubborn, close: () => undefined, closed: (client) => client.gone, cutAll },
      50,
    );
    expect(result).toEqual({ clients: 3, cut: 3 });
    expect(cutAll).toHaveBeenCalledTimes(1);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { DeltaBuffer } from './delta-buffer';

describe('DeltaBuffer', () => {
  it('should coalesce slices into one write per interval, with offsets that add up', async () => {
    const writes: Array<[number, string]> = [];
    const buffer = new DeltaBuffer((offset, text) => {
      writes.push([offset, text]);
      return Promise.resolve();
    }, 20);
    ['Re', 'place ', 'the ', 'doors'].forEach((slice) => buffer.append(slice));
    await sleep(60);
    buffer.append(' first');
    const rest = await buffer.drain();

    expect(writes).toEqual([[0, 'Replace the doors']]);
    expect(rest).toBe(' first');
  });

  it('should split a long flush into deltas below the size limit, never inside a surrogate pair', async () => {
    const writes: Array<[number, string]> = [];
    const buffer = new DeltaBuffer(
      (offset, text) => {
        writes.push([offset, text]);
        return Promise.resolve();
      },
      5,
      4,
    );
    buffer.append('abc🛁defgh');
    await sleep(30);
    await buffer.drain();

    expect(writes.map(([, text]) => text).join('')).toBe('abc🛁defgh');
    writes.forEach(([offset, text], index) => {
      expect(text.length).toBeLessThanOrEqual(4);
      expect(offset).toBe(writes.slice(0, index).reduce((sum, [, t]) => sum + t.length, 0));
      // No lone surrogate at either end.
      expect(/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(text)).toBe(false);
    });
  });

  it('should report a failed write from drain, and write nothing after it', async () => {
    let calls = 0;
    const buffer = new DeltaBuffer(
      () => {
        calls += 1;
        return Promise.reject(new Error('database gone'));
      },
      5,
      2,
    );
    buffer.append('abcdef');
    await sleep(30);
    await expect(buffer.drain()).rejects.toThrow('database gone');
    expect(calls).toBe(1);
  });

  it('should go on from the offset an earlier attempt reached, and flush everything on request', async () => {
    const writes: Array<[number, string]> = [];
    const buffer = new DeltaBuffer(
      (offset, text) => {
        writes.push([offset, text]);
        return Promise.resolve();
      },
      60_000,
      1000,
      12,
    );
    buffer.append('the rest');
    expect(buffer.length).toBe(20);

    await buffer.flushAll();

    expect(writes).toEqual([[12, 'the rest']]);
    expect(await buffer.drain()).toBe('');
  });
});

import { jittered, jitteredBatches } from './jitter';

describe('jittered', () => {
  it('should stay within [min, max]', () => {
    expect(jittered(1000, 5000, () => 0)).toBe(1000);
    expect(jittered(1000, 5000, () => 0.999999)).toBe(5000);
    expect(jittered(1000, 5000, () => 0.5)).toBe(3000);
  });

  it('should tolerate swapped bounds', () => {
    expect(jittered(5000, 1000, () => 0)).toBe(1000);
  });
});

describe('jitteredBatches', () => {
  it('should put every item in exactly one batch, in order', () => {
    const items = Array.from({ length: 23 }, (_, index) => index);
    const batches = jitteredBatches(items, 5, 1000, () => 0.5);
    expect(batches.flatMap((batch) => batch.items)).toEqual(items);
    expect(batches.length).toBeLessThanOrEqual(5);
  });

  it('should spread the batch start times over the window', () => {
    const batches = jitteredBatches([1, 2, 3, 4], 4, 1000, () => 0);
    expect(batches.map((batch) => batch.atMs)).toEqual([0, 250, 500, 750]);
    batches.forEach((batch) => expect(batch.atMs).toBeLessThan(1000));
  });

  it('should give no batch for no items', () => {
    expect(jitteredBatches([], 4, 1000)).toEqual([]);
  });
});

/** A whole number of milliseconds, uniformly spread over [min, max]. */
export function jittered(minMs: number, maxMs: number, random: () => number = Math.random): number {
  const low = Math.max(0, Math.min(minMs, maxMs));
  const high = Math.max(minMs, maxMs);
  return Math.round(low + random() * (high - low));
}

/**
 * Splits `items` into `batchCount` batches, each with a start offset spread over `windowMs` (plus
 * jitter inside its slot), so that clients told to reconnect do not all hit the remaining replicas
 * in the same instant.
 */
export function jitteredBatches<T>(
  items: readonly T[],
  batchCount: number,
  windowMs: number,
  random: () => number = Math.random,
): Array<{ atMs: number; items: T[] }> {
  const count = Math.max(1, Math.min(batchCount, items.length));
  const size = Math.ceil(items.length / count);
  const slot = windowMs / count;
  const batches: Array<{ atMs: number; items: T[] }> = [];
  for (let index = 0; index * size < items.length; index += 1) {
    batches.push({
      atMs: Math.round(index * slot + random() * slot * 0.5),
      items: items.slice(index * size, (index + 1) * size),
    });
  }
  return batches;
}

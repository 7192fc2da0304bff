/**
 * Money as integer cents in BigInt. Budgets arrive as exact decimal text ("25000.00", the
 * numeric(14,2) column's string form); a float would turn 0.1 + 0.2 into 0.30000000000000004
 * and make a split that does not add up to the budget.
 */

const AMOUNT = /^(\d+)(?:\.(\d{1,2}))?$/;

/** "25000.5" → 2500050n; undefined when the text is not a non-negative amount with ≤ 2 decimals. */
export function parseCents(amount: string): bigint | undefined {
  const match = AMOUNT.exec(amount.trim());
  if (match === null || match[1] === undefined) {
    return undefined;
  }
  const fraction = (match[2] ?? '').padEnd(2, '0');
  return BigInt(match[1]) * 100n + BigInt(fraction);
}

/** 2500050n → "25,000.50" (grouped for reading; not meant to be parsed back). */
export function formatCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const magnitude = cents < 0n ? -cents : cents;
  const units = (magnitude / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = (magnitude % 100n).toString().padStart(2, '0');
  return `${sign}${units}.${fraction}`;
}

/**
 * Splits `total` in proportion to integer `weights` so the parts add up to exactly `total`: each
 * part is rounded down, then the cents left over go one each to the parts that lost the most
 * to rounding (largest remainder), earlier parts first on a tie. Deterministic.
 */
export function splitCents(total: bigint, weights: readonly number[]): bigint[] {
  if (weights.some((w) => !Number.isInteger(w) || w < 0)) {
    throw new RangeError('weights must be non-negative integers');
  }
  const weightSum = BigInt(weights.reduce((sum, w) => sum + w, 0));
  if (weightSum === 0n) {
    throw new RangeError('weights must not all be zero');
  }
  const exact = weights.map((w) => total * BigInt(w));
  const parts = exact.map((value) => value / weightSum);
  let left = total - parts.reduce((sum, part) => sum + part, 0n);
  const byRemainder = exact
    .map((value, index) => ({ index, remainder: value % weightSum }))
    .sort((a, b) =>
      a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
    );
  for (const { index } of byRemainder) {
    if (left === 0n) {
      break;
    }
    parts[index] = (parts[index] ?? 0n) + 1n;
    left -= 1n;
  }
  return parts;
}

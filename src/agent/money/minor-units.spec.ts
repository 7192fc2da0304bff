import { formatCents, parseCents, splitCents } from './minor-units';

describe('money in cents', () => {
  it.each([
    ['25000.00', 2500000n],
    ['25000', 2500000n],
    ['0.5', 50n],
    ['1234.56', 123456n],
    ['999999999999.99', 99999999999999n],
  ])('should read %s as %s cents', (text, cents) => {
    expect(parseCents(text)).toBe(cents);
  });

  it.each(['-1', '1.234', '1e3', 'abc', '', '1.', '.5'])('should refuse %j', (text) => {
    expect(parseCents(text)).toBeUndefined();
  });

  it('should format cents with grouping and two decimals', () => {
    expect(formatCents(2500000n)).toBe('25,000.00');
    expect(formatCents(5n)).toBe('0.05');
    expect(formatCents(123456789n)).toBe('1,234,567.89');
  });

  it('should split so the parts add up to exactly the total', () => {
    for (const total of [0n, 1n, 99n, 100n, 2500000n, 3333333n, 99999999999999n]) {
      const parts = splitCents(total, [35, 25, 15, 10, 10, 5]);
      expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
      expect(parts.every((p) => p >= 0n)).toBe(true);
    }
  });

  it('should give the leftover cents to the largest remainders, deterministically', () => {
    expect(splitCents(100n, [1, 1, 1])).toEqual([34n, 33n, 33n]);
    expect(splitCents(10n, [1, 2])).toEqual([3n, 7n]);
    expect(splitCents(1000n, [50, 50])).toEqual([500n, 500n]);
  });

  it('should refuse weights it cannot split by', () => {
    expect(() => splitCents(100n, [0, 0])).toThrow(RangeError);
    expect(() => splitCents(100n, [0.5, 1])).toThrow(RangeError);
  });
});

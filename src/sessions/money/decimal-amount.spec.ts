import { isDecimalAmount, toDecimalText } from './decimal-amount';

describe('decimal amounts', () => {
  it.each(['0', '0.5', '0.50', '1234.5', '1234.50', '999999999999.99'])('should accept %s', (v) => {
    expect(isDecimalAmount(v)).toBe(true);
  });

  it.each(['-1', '0.001', '1.', '.5', '01', '1e3', '1 000', '', '1000000000000', 'NaN', ' 1'])(
    'should refuse %j',
    (v) => {
      expect(isDecimalAmount(v)).toBe(false);
    },
  );

  it('should turn numbers into their exact decimal text and leave other values alone', () => {
    expect(toDecimalText(1234.5)).toBe('1234.5');
    expect(toDecimalText(0.001)).toBe('0.001');
    expect(toDecimalText(1e21)).toBe('1e+21');
    expect(toDecimalText(Number.NaN)).toBeNaN();
    expect(toDecimalText(true)).toBe(true);
    expect(isDecimalAmount(toDecimalText(0.001))).toBe(false);
    expect(isDecimalAmount(toDecimalText(1e21))).toBe(false);
  });
});

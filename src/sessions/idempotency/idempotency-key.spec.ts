import { IDEMPOTENCY_KEY_MAX_LENGTH, parseIdempotencyKey } from './idempotency-key';

describe('parseIdempotencyKey', () => {
  it('should read the absent header as no key', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });

  it('should read a Structured Field String, unescaping \\" and \\\\', () => {
    expect(parseIdempotencyKey('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe(
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
    );
    expect(parseIdempotencyKey('"with space"')).toBe('with space');
    expect(parseIdempotencyKey('"a\\"b\\\\c"')).toBe('a"b\\c');
    expect(parseIdempotencyKey('  "padded"  ')).toBe('padded');
  });

  it('should read an unquoted token as the same key as its quoted form', () => {
    expect(parseIdempotencyKey('order-42')).toBe('order-42');
    expect(parseIdempotencyKey('order-42')).toBe(parseIdempotencyKey('"order-42"'));
  });

  it('should accept a key of the maximum length and refuse one character more', () => {
    const longest = 'k'.repeat(IDEMPOTENCY_KEY_MAX_LENGTH);
    expect(parseIdempotencyKey(longest)).toBe(longest);
    expect(parseIdempotencyKey(`"${longest}"`)).toBe(longest);
    expect(parseIdempotencyKey(`${longest}k`)).toBeNull();
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['an empty string', '""'],
    ['an unterminated string', '"abc'],
    ['a stray quote', 'ab"c'],
    ['two keys (a repeated header)', '"a", "b"'],
    ['a space in a bare token', 'a b'],
    ['a comma in a bare token', 'a,b'],
    ['a lone backslash escape', '"a\\b"'],
    ['a control character', '"a\tb"'],
    ['non-ASCII', '"clé"'],
  ])('should call %s malformed', (_label, header) => {
    expect(parseIdempotencyKey(header)).toBeNull();
  });
});

import { isStorableText } from './storable-text.decorator';

describe('isStorableText', () => {
  it.each([
    ['plain ASCII', 'Kitchen remodel'],
    ['multi-byte characters', 'Küche'],
    ['a surrogate pair (an emoji)', 'house \ud83c\udfe0'],
    ['the empty string', ''],
    ['U+FFFD itself', '\ufffd'],
  ])('should accept %s', (_label, value) => {
    expect(isStorableText(value)).toBe(true);
  });

  it.each([
    ['a NUL character', 'a\u0000b'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', 'a\udfffb'],
    ['a high surrogate at the end', 'a\ud83c'],
    ['a pair in the wrong order', '\udfe0\ud83c'],
  ])('should refuse %s', (_label, value) => {
    expect(isStorableText(value)).toBe(false);
  });
});

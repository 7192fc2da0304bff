import { parseIfMatch, versionETag } from './if-match';

describe('If-Match', () => {
  it('should read absent, any and strong version tags', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toEqual({ kind: 'any' });
    expect(parseIfMatch(versionETag(3))).toEqual({ kind: 'versions', versions: [3] });
    expect(parseIfMatch('"3", "4"')).toEqual({ kind: 'versions', versions: [3, 4] });
  });

  it.each(['', '3', 'W/"3"', '"abc"', '"3",', '"-1"', '"12345678901"'])(
    'should call %j malformed',
    (header) => {
      expect(parseIfMatch(header)).toBeNull();
    },
  );
});

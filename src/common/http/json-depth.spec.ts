import fc from 'fast-check';
import { nestsDeeperThan } from './json-depth';

/** `depth` arrays inside one another, built without recursion: `[[[…]]]`. */
function nestedArrays(depth: number): unknown {
  let value: unknown = [];
  for (let level = 1; level < depth; level += 1) {
    value = [value];
  }
  return value;
}

/** The depth by definition (recursive: fine for the small documents fast-check generates). */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') {
    return 0;
  }
  const children: unknown[] = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe('nestsDeeperThan', () => {
  it('should count objects and arrays as one level each and scalars as none', () => {
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan({ a: [1, { b: null }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [1, { b: null }] }, 2)).toBe(true);
    expect(nestsDeeperThan({ a: [1, { b: [] }] }, 3)).toBe(true);
  });

  it('should measure a document far deeper than the call stack allows', () => {
    expect(nestsDeeperThan(nestedArrays(200_000), 32)).toBe(true);
    expect(nestsDeeperThan(nestedArrays(32), 32)).toBe(false);
    expect(nestsDeeperThan(nestedArrays(33), 32)).toBe(true);
  });

  it('should agree with the recursive definition on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (json, max) => {
        expect(nestsDeeperThan(json, max)).toBe(depthOf(json) > max);
      }),
    );
  });
});

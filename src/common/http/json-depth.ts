/**
 * How deep a JSON document may nest. No request of this API nests more than a few levels; past
 * ~2,000 levels class-transformer and class-validator (both recursive) overflow the stack, so a
 * 4 KB body would turn into a 500. 32 leaves room for any honest client and none for that.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * True when `value` (a parsed JSON document) nests objects or arrays more than `maxDepth` levels
 * deep: `{}` and `[]` are depth 1, a scalar depth 0. Walks with an explicit stack, never
 * recursion, so the check itself cannot overflow; it stops at the first container too deep.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, depth } = item;
    if (node === null || typeof node !== 'object') {
      continue;
    }
    if (depth > maxDepth) {
      return true;
    }
    const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (child !== null && typeof child === 'object') {
        stack.push({ node: child, depth: depth + 1 });
      }
    }
  }
  return false;
}

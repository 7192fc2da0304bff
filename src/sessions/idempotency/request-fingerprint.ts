import { createHash } from 'node:crypto';

/**
 * JSON with every object's keys sorted and `undefined` members left out (as JSON.stringify does),
 * so two bodies that mean the same carry the same text whatever order their fields came in.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What an Idempotency-Key is bound to: SHA-256 (hex) of the operation (e.g. `message.create`
 * with its session id) and its validated, canonical body. The same key with another fingerprint
 * is another request, refused with a 422 rather than answered with the first one's result.
 */
export function requestFingerprint(operation: string, body: object): string {
  return createHash('sha256').update(canonicalJson({ operation, body })).digest('hex');
}

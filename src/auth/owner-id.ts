import { createHash } from 'node:crypto';

/**
 * The namespace of owner ids derived from token subjects (a random UUID fixed forever: changing
 * it would give every user a new, empty owner id).
 */
export const SUBJECT_NAMESPACE = '6f1c2b8e-4d3a-4f5e-9b7c-2a1d0e3f4c5b';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The owner_id of a token's `sub`. `sessions.owner_id` is a uuid (16-byte keys in the owner
 * indexes, `ownerId` documented as a UUID): a UUID subject (Keycloak, Cognito, Supabase…) is used
 * as it is, so the id matches the identity provider's; any other subject (`auth0|…`, Google's
 * numeric ids) maps to its RFC 4122 version-5 UUID in SUBJECT_NAMESPACE: stable, without a
 * lookup table, and without a migration that would rewrite the table under an exclusive lock.
 */
export function ownerIdForSubject(subject: string): string {
  return UUID.test(subject) ? subject.toLowerCase() : uuidV5(subject, SUBJECT_NAMESPACE);
}

/** RFC 4122 §4.3: SHA-1 of namespace + name, with the version and variant bits set. */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

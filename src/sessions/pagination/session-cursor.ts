import { isUUID } from 'class-validator';

/** Position after the last session of a page: the keyset (created_at, id) of that row. */
export interface SessionCursor {
  createdAt: Date;
  id: string;
}

const SEPARATOR = '|';

/**
 * Opaque to clients (base64url), plain to us: "<ISO created_at>|<uuid>". created_at has millisecond
 * precision in the schema, so the ISO text round-trips exactly.
 */
export function encodeSessionCursor(cursor: SessionCursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}${SEPARATOR}${cursor.id}`).toString(
    'base64url',
  );
}

/** The cursor, or null when the text is not one this API produced. */
export function decodeSessionCursor(text: string): SessionCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) {
    return null;
  }
  const [iso, id, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split(SEPARATOR);
  if (iso === undefined || id === undefined || rest.length > 0 || !isUUID(id)) {
    return null;
  }
  const createdAt = new Date(iso);
  // toISOString() equality rejects anything that parsed loosely ("2025", "Jan 1 2025", …).
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== iso) {
    return null;
  }
  return { createdAt, id };
}

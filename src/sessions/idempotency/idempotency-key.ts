/**
 * The Idempotency-Key request header (draft-ietf-httpapi-idempotency-key-header): a Structured
 * Field String (RFC 8941 §3.3.3), `"8e03978e-40d5-43e8-bc93-6894a57f9324"`. The unquoted form
 * most clients send (Stripe's convention) is read too, as long as it is one visible-ASCII token.
 */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/** sf-string: printable ASCII, with `"` and `\` escaped by a backslash. */
const QUOTED = /^"((?:[\x20\x21\x23-\x5B\x5D-\x7E]|\\["\\])*)"$/;
/** Visible ASCII, without the characters that would make it ambiguous with the quoted form. */
const BARE = /^[\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+$/;

/** The key, undefined when the header is absent, null when it is malformed (a 400). */
export function parseIdempotencyKey(header: string | undefined): string | undefined | null {
  if (header === undefined) {
    return undefined;
  }
  const trimmed = header.trim();
  const quoted = QUOTED.exec(trimmed);
  const key = quoted?.[1]?.replace(/\\(["\\])/g, '$1') ?? (BARE.test(trimmed) ? trimmed : null);
  if (key === null || key.length === 0 || key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
    return null;
  }
  return key;
}

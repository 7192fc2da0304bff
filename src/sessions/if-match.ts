/**
 * If-Match as this API reads it: absent (last write wins), `*` (any current version), or a list
 * of strong ETags `"<version>"`. Weak ETags (W/"3") never match under If-Match's strong comparison
 * (RFC 9110 §13.1.1), so they are malformed here rather than silently failing every time.
 */
export type IfMatch = { kind: 'any' } | { kind: 'versions'; versions: number[] } | undefined;

const STRONG_VERSION_TAG = /^"(\d{1,9})"$/;

/** The parsed header, or null when it is malformed (the caller answers 400). */
export function parseIfMatch(header: string | undefined): IfMatch | null {
  if (header === undefined) {
    return undefined;
  }
  const trimmed = header.trim();
  if (trimmed === '*') {
    return { kind: 'any' };
  }
  const versions: number[] = [];
  for (const tag of trimmed.split(',')) {
    const match = STRONG_VERSION_TAG.exec(tag.trim());
    if (!match?.[1]) {
      return null;
    }
    versions.push(Number(match[1]));
  }
  return { kind: 'versions', versions };
}

export function versionETag(version: number): string {
  return `"${version}"`;
}

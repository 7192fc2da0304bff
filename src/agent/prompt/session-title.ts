/**
 * The session title as it may appear inside a prompt or a reply: one line, no double quotes to
 * break out of, bounded. It is text the homeowner typed, quoted as data.
 */
export function quotableTitle(title: string): string {
  const flat = title
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/"/g, "'")
    .trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

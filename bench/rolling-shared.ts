/**
 * What the rolling-restart benches share: the HAProxy config with its retries removed (so every
 * failure a restart causes reaches the client instead of being hidden by a retry) and the way a
 * soak's long lists are printed.
 */

/** deploy/haproxy.cfg with every retry removed: one connection attempt, no redispatch. */
export function withoutRetries(source: string): string {
  const kept = source
    .split('\n')
    .filter(
      (line) =>
        !/^\s*(retries|retry-on|option redispatch|http-request disable-l7-retry)\b/.test(line),
    );
  const at = kept.findIndex((line) => /^\s*option httpchk\b/.test(line));
  kept.splice(at, 0, '    retries 0');
  return kept.join('\n');
}

/** A short list in full; a soak's hundred entries as a count of each value. */
export function listed(values: ReadonlyArray<number | string>): string {
  if (values.length <= 12) {
    return `[${values.join(', ')}]`;
  }
  const counts = new Map<number | string, number>();
  values.forEach((value) => counts.set(value, (counts.get(value) ?? 0) + 1));
  return `{${[...counts].map(([value, count]) => `${value}: ×${count}`).join(', ')}}`;
}

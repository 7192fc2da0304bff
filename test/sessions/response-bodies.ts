/** Typed reads of supertest's `any` bodies, so assertions stay lint-clean. */
export function pluck<T = unknown>(items: unknown, key: string): T[] {
  return (items as Array<Record<string, T>>).map((item) => item[key] as T);
}

/** The fields named in a 400's details. */
export function badFields(body: unknown): string[] {
  return pluck<string>((body as { details?: unknown[] }).details ?? [], 'field');
}

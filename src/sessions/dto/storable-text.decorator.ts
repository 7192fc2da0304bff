import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * What Postgres `text` cannot hold as sent: U+0000 (SQLSTATE 22021: the INSERT would fail and
 * become a 500) and a lone surrogate (`"\ud800"` parses from JSON but has no UTF-8 encoding: the
 * driver would write U+FFFD in its place and the client would read back text it never sent). With
 * the `u` flag a well-formed pair is one code point, so `\p{Cs}` matches only a lone surrogate:
 * the same test as `String.prototype.isWellFormed` (ES2024, not in this project's ES2023 lib).
 */
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether Postgres can store `value` exactly as sent. */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}

/**
 * Refuses a string Postgres cannot store as sent (isStorableText), as a validation error naming
 * the field. Non-strings are left to the field's other rules.
 */
export function StorableText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'storableText',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || isStorableText(value),
        defaultMessage: () =>
          '$property must not contain the NUL character (U+0000) or a lone surrogate (U+D800–U+DFFF)',
      },
    },
    options,
  );
}

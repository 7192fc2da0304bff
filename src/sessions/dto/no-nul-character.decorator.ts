import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Refuses a string holding U+0000: Postgres text cannot store it (SQLSTATE 22021), so it would
 * otherwise fail the INSERT and become a 500. Non-strings are left to the field's other rules.
 */
export function NoNulCharacter(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'noNulCharacter',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !value.includes('\u0000'),
        defaultMessage: () => '$property must not contain the NUL character (U+0000)',
      },
    },
    options,
  );
}

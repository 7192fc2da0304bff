import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, ValidateIf } from 'class-validator';
import { StorableText } from './storable-text.decorator';

/**
 * 1–200 characters once trimmed, with something other than whitespace, as a pattern: minLength
 * and maxLength would apply to the untrimmed value, which is not what the server checks.
 */
export const TRIMMED_TITLE_PATTERN = '^\\s*\\S(?:[\\s\\S]{0,198}\\S)?\\s*$';

/** A session title: trimmed, then 1–200 characters. Required on create, optional on update. */
export function TitleField(options: { required: boolean }): PropertyDecorator {
  const doc = {
    example: 'Kitchen remodel',
    pattern: TRIMMED_TITLE_PATTERN,
    description:
      'Leading and trailing whitespace is trimmed; what remains must be 1–200 characters ' +
      'and is what the session stores',
  };
  return applyDecorators(
    options.required ? ApiProperty(doc) : ApiPropertyOptional(doc),
    ...(options.required
      ? []
      : [ValidateIf((_object: object, value: unknown) => value !== undefined)]),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.trim() : value,
    ),
    IsString(),
    Length(1, 200),
    StorableText(),
  );
}

import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, ValidateIf } from 'class-validator';
import { NoNulCharacter } from './no-nul-character.decorator';

/** A session title: trimmed, then 1–200 characters. Required on create, optional on update. */
export function TitleField(options: { required: boolean }): PropertyDecorator {
  const doc = { example: 'Kitchen remodel', minLength: 1, maxLength: 200 };
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
    NoNulCharacter(),
  );
}

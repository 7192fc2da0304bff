import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export interface IntegerQueryFieldOptions {
  minimum: number;
  maximum: number;
  default?: number;
  example?: number;
  description?: string;
}

/**
 * An optional integer query parameter: documented as `integer` with the very bounds the
 * validation enforces (1.5 or 101 is a 400), so the two cannot drift apart.
 */
export function IntegerQueryField(options: IntegerQueryFieldOptions): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'integer', ...options }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(options.minimum),
    Max(options.maximum),
  );
}

import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsISO4217CurrencyCode, IsOptional, Matches, ValidateIf } from 'class-validator';
import {
  DECIMAL_AMOUNT_PATTERN,
  DECIMAL_AMOUNT_RULE,
  toDecimalText,
} from '../money/decimal-amount';
import { StorableText } from './storable-text.decorator';

/** An optional budget: string or number in, decimal string out; null clears it. */
export function TotalBudgetField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      oneOf: [
        { type: 'string', pattern: DECIMAL_AMOUNT_PATTERN.source },
        { type: 'number', minimum: 0, maximum: 999_999_999_999.99 },
      ],
      nullable: true,
      example: '1234.50',
      description: `Exact amount: ${DECIMAL_AMOUNT_RULE}. 0.001 is refused, never rounded.`,
    }),
    IsOptional(),
    Transform(({ value }: { value: unknown }) => toDecimalText(value)),
    StorableText(),
    Matches(DECIMAL_AMOUNT_PATTERN, { message: `totalBudget must be ${DECIMAL_AMOUNT_RULE}` }),
  );
}

/** An ISO 4217 code, checked against the list validator.js maintains; upper-cased first. */
export function CurrencyField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      example: 'EUR',
      default: 'USD',
      pattern: '^\\s*[A-Za-z]{3}\\s*$',
      description:
        'ISO 4217 currency code; trimmed and upper-cased before the check, stored upper-case',
    }),
    // undefined = keep the default / current value; null is not a currency.
    ValidateIf((_object: object, value: unknown) => value !== undefined),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.trim().toUpperCase() : value,
    ),
    StorableText(),
    IsISO4217CurrencyCode(),
  );
}

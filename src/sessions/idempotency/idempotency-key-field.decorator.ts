import { applyDecorators } from '@nestjs/common';
import { IsOptional, IsString, Matches } from 'class-validator';
import { IDEMPOTENCY_KEY_MAX_LENGTH } from './idempotency-key';

/**
 * An Idempotency-Key carried in a payload rather than a header (socket.io `message:create`): the
 * key itself, with the header's rules once unquoted (1 to 255 printable ASCII characters).
 */
export function IdempotencyKeyField(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsString(),
    Matches(new RegExp(`^[\\x20-\\x7E]{1,${IDEMPOTENCY_KEY_MAX_LENGTH}}$`), {
      message: `idempotencyKey must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters`,
    }),
  );
}

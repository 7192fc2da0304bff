import { BadRequestException, type ValidationError } from '@nestjs/common';
import type { FieldError } from './error-envelope';

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** What the global ValidationPipe throws: a 400 whose details list each field's problems. */
export class RequestValidationException extends BadRequestException {
  constructor(errors: ValidationError[]) {
    super({ message: 'Validation failed', code: 'VALIDATION_FAILED', details: flatten(errors) });
  }
}

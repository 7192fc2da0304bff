import { ApiProperty } from '@nestjs/swagger';
import { IsUUID, isUUID, ValidationError } from 'class-validator';
import { RequestValidationException } from '../../common/errors/request-validation.exception';

function fieldError(property: string, value: unknown, constraint: string, message: string) {
  return Object.assign(new ValidationError(), {
    property,
    value,
    constraints: { [constraint]: message },
    children: [],
  });
}

/** `:id` of every session route: a non-UUID is a 400 with field details, never a database error. */
export class SessionIdParams {
  @ApiProperty({ format: 'uuid', example: '3f0e8b9e-2a51-4c1f-9a57-5b0f3c1d2e4a' })
  @IsUUID('all')
  id!: string;

  /**
   * What the global ValidationPipe (whitelist, forbidNonWhitelisted, transform) answers for this
   * class, without class-transformer and class-validator's per-request work: the global pipe
   * calls this for `@Param()` (src/common/http/params-parsing-validation.pipe.ts). Same errors,
   * same order: unknown parameters first, then the id.
   */
  static parseParams(params: Record<string, unknown>): SessionIdParams {
    const errors: ValidationError[] = [];
    for (const [name, value] of Object.entries(params)) {
      if (name !== 'id') {
        errors.push(
          fieldError(name, value, 'whitelistValidation', `property ${name} should not exist`),
        );
      }
    }
    const { id } = params;
    if (!isUUID(id, 'all')) {
      errors.push(fieldError('id', id, 'isUuid', 'id must be a UUID'));
    }
    if (errors.length > 0) {
      throw new RequestValidationException(errors);
    }
    return Object.assign(new SessionIdParams(), { id: id as string });
  }
}

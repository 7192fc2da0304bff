import { ValidationPipe } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import { ValidationError } from 'class-validator';
import { JsonTooDeepException } from '../../common/errors/json-too-deep.exception';
import { RequestValidationException } from '../../common/errors/request-validation.exception';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../common/http/json-depth';

/**
 * The global pipe's options (app.module.ts). The pipe itself, not a copy of its steps: before
 * class-transformer runs it strips `constructor` and `__proto__` keys, and a nested object with
 * its own `constructor` key makes plainToInstance throw a TypeError (a 500) when called directly.
 */
const payloadPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) => new RequestValidationException(errors),
});

/**
 * A socket.io payload checked exactly as the global ValidationPipe checks a REST body (whitelist,
 * forbid unknown fields), failing with the same 400 VALIDATION_FAILED and per-field details.
 * Anything that is not a plain object (a string, an array, nothing at all) is a 400 too, and so
 * is a payload nested deeper than MAX_JSON_DEPTH, before validation recurses into it.
 */
export async function validatePayload<T extends object>(
  type: ClassConstructor<T>,
  payload: unknown,
): Promise<T> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    const error = new ValidationError();
    error.property = 'payload';
    error.constraints = { isObject: 'payload must be an object' };
    error.children = [];
    throw new RequestValidationException([error]);
  }
  if (nestsDeeperThan(payload, MAX_JSON_DEPTH)) {
    throw new JsonTooDeepException(MAX_JSON_DEPTH);
  }
  return (await payloadPipe.transform(payload, { type: 'body', metatype: type })) as T;
}

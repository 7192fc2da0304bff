import { Injectable, type PipeTransform } from '@nestjs/common';
import { InvalidRequestHeaderException } from '../exceptions/invalid-request-header.exception';
import { RequestHeader } from '../request-header.decorator';
import { IDEMPOTENCY_KEY_MAX_LENGTH, parseIdempotencyKey } from './idempotency-key';

/** A malformed Idempotency-Key is a 400 (INVALID_HEADER): ignoring it would drop the guarantee. */
@Injectable()
export class IdempotencyKeyPipe implements PipeTransform<string | undefined, string | undefined> {
  transform(value: string | undefined): string | undefined {
    const key = parseIdempotencyKey(value);
    if (key === null) {
      throw new InvalidRequestHeaderException(
        'Idempotency-Key',
        `a quoted string of 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters, e.g. "8e03978e-40d5-43e8-bc93-6894a57f9324"`,
      );
    }
    return key;
  }
}

/** The request's Idempotency-Key (undefined when absent). */
export const IdempotencyKeyHeader = (): ParameterDecorator =>
  RequestHeader('idempotency-key', IdempotencyKeyPipe);

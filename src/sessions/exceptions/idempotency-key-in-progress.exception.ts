import { ConflictException } from '@nestjs/common';

/** Another request with this key has not finished: retry once it has, and get its answer. */
export class IdempotencyKeyInProgressException extends ConflictException {
  constructor() {
    super({
      message: 'A request with this Idempotency-Key is still in progress: retry shortly',
      code: 'IDEMPOTENCY_KEY_IN_PROGRESS',
    });
  }
}

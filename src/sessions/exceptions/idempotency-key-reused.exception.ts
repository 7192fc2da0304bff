import { UnprocessableEntityException } from '@nestjs/common';

/**
 * The key already answered a different request (another body, or another route): replaying that
 * answer would be wrong, and acting again would defeat the key (draft-ietf-httpapi-idempotency-key-header).
 */
export class IdempotencyKeyReusedException extends UnprocessableEntityException {
  constructor() {
    super({
      message: 'This Idempotency-Key was already used for a different request',
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  }
}

import { applyDecorators } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiErrorResponse } from '../api-error-responses.decorator';

/** Set on a 201 that replays the stored answer of an earlier request with the same key. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

export const IDEMPOTENT_REPLAYED_DOC = {
  [IDEMPOTENT_REPLAYED_HEADER]: {
    description:
      '"true" when this is the stored answer of an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
};

/**
 * The Idempotency-Key request header of a create route (draft-ietf-httpapi-idempotency-key-header)
 * and the answers it adds: 409 while another request holds the key, 422 for another body.
 */
export function ApiIdempotencyKey(conflict: string): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'A unique value per intended operation, e.g. a UUID, as a quoted string ("…"; the bare ' +
        'token is accepted too). A retry with the same key and body gets the first 201 again ' +
        '(Idempotent-Replayed: true) without creating anything; another body is a 422; while the ' +
        'first is still in progress, a 409. Keys are per owner and expire after ' +
        'IDEMPOTENCY_KEY_TTL_MS (24 h by default). Malformed: 400 INVALID_HEADER.',
      example: '"8e03978e-40d5-43e8-bc93-6894a57f9324"',
    }),
    ApiErrorResponse(409, {
      description: conflict,
      code: 'IDEMPOTENCY_KEY_IN_PROGRESS',
      error: 'A request with this Idempotency-Key is still in progress: retry shortly',
    }),
    ApiErrorResponse(422, {
      description:
        'The Idempotency-Key was already used for a different request (IDEMPOTENCY_KEY_REUSED)',
      code: 'IDEMPOTENCY_KEY_REUSED',
      error: 'This Idempotency-Key was already used for a different request',
    }),
  );
}

import type { ResponseObject } from '@nestjs/swagger';

export const ERROR_ENVELOPE_REF = '#/components/schemas/ErrorEnvelope';

/** What an error answer is about: who reads `description`, and the example body's code and text. */
export interface ErrorResponseText {
  description: string;
  code: string;
  error: string;
}

/** A documented error answer: the envelope (application/json, as the filter writes it) and an example. */
export function errorResponse(status: number, text: ErrorResponseText): ResponseObject {
  return {
    description: text.description,
    content: {
      'application/json': {
        schema: { $ref: ERROR_ENVELOPE_REF },
        example: {
          success: false,
          statusCode: status,
          error: text.error,
          code: text.code,
          requestId: '2f1c7f7e-3b4f-4a36-8d0e-9a3c4f3f2b1a',
        },
      },
    },
  };
}

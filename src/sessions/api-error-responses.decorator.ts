import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { errorResponse, type ErrorResponseText } from '../common/openapi/error-response';

type ErrorStatus = 400 | 404 | 409 | 412;

export type ErrorExample = ErrorResponseText;

const EXAMPLES: Record<ErrorStatus, ErrorExample> = {
  400: {
    description: 'Invalid input (VALIDATION_FAILED with field details, INVALID_CURSOR, …)',
    code: 'VALIDATION_FAILED',
    error: 'Validation failed',
  },
  404: {
    description: 'No such session for this owner (SESSION_NOT_FOUND)',
    code: 'SESSION_NOT_FOUND',
    error: 'Session 3f0e8b9e-2a51-4c1f-9a57-5b0f3c1d2e4a not found',
  },
  409: {
    description: 'The phase machine does not allow this move; details list the allowed phases',
    code: 'ILLEGAL_PHASE_TRANSITION',
    error: 'Cannot move from INTAKE to PLAN; allowed next: CHECKLIST',
  },
  412: {
    description: 'If-Match does not match the current version (VERSION_MISMATCH)',
    code: 'VERSION_MISMATCH',
    error: 'The session was changed since you read it (If-Match does not match)',
  },
};

/** Documents one error answer: the envelope schema, and an example body with `code` and `error`. */
export function ApiErrorResponse(
  status: number,
  text: ErrorExample,
): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, ...errorResponse(status, text) });
}

/** Documents each listed error status with the envelope schema and an example body. */
export function ApiErrorResponses(...statuses: ErrorStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiErrorResponse(status, EXAMPLES[status])));
}

import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { ErrorEnvelope } from '../common/errors/error-envelope';

/** The name of the JWT bearer scheme in the OpenAPI document (DocumentBuilder.addBearerAuth). */
export const BEARER_SCHEME = 'bearer';

/**
 * Documents a controller whose routes need a bearer JWT (when AUTH_ENABLED): the security
 * requirement and the 401 every one of them can answer.
 */
export function ApiAuthenticated(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(BEARER_SCHEME),
    ApiResponse({
      status: 401,
      description:
        'Missing, expired or otherwise invalid bearer token (AUTHENTICATION_REQUIRED, INVALID_TOKEN); only when AUTH_ENABLED',
      type: ErrorEnvelope,
      example: {
        success: false,
        statusCode: 401,
        error: 'Invalid bearer token: expired',
        code: 'INVALID_TOKEN',
        requestId: '2f1c7f7e-3b4f-4a36-8d0e-9a3c4f3f2b1a',
      },
    }),
  );
}

import { ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';

/** No credentials at all: 401, so that a client knows to sign in rather than to retry. */
export class AuthenticationRequiredException extends UnauthorizedException {
  constructor() {
    super({
      message: 'Authentication required (Authorization: Bearer <token>)',
      code: 'AUTHENTICATION_REQUIRED',
    });
  }
}

/**
 * A token that does not verify. The message says which check failed in general terms (expired,
 * wrong audience…), as RFC 6750's error_description does, and never echoes the token.
 */
export class InvalidTokenException extends UnauthorizedException {
  constructor(reason: string) {
    super({ message: `Invalid bearer token: ${reason}`, code: 'INVALID_TOKEN' });
  }
}

/**
 * The keys could not be fetched (the JWKS server is down, slow or answers garbage): not the
 * client's fault, so a 503 it may retry rather than a 401 that would send it to sign in again.
 */
export class AuthUnavailableException extends ServiceUnavailableException {
  constructor() {
    super({
      message: 'Token keys are unavailable; retry shortly',
      code: 'AUTH_UNAVAILABLE',
    });
  }
}

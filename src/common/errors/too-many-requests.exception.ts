import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * 429 in the error envelope, with when to try again in `details` too: a socket.io ack has no
 * headers, and a REST client reads the same number from Retry-After.
 */
export class TooManyRequestsException extends HttpException {
  constructor(retryAfterSeconds: number) {
    super(
      {
        message: `Too many requests: retry after ${retryAfterSeconds} s`,
        code: 'TOO_MANY_REQUESTS',
        details: [{ retryAfterSeconds }],
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

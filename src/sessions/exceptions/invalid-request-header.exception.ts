import { BadRequestException } from '@nestjs/common';

/** A header we read (If-Match) that is not in a form we understand: a 400, not a silent ignore. */
export class InvalidRequestHeaderException extends BadRequestException {
  constructor(header: string, expected: string) {
    super({
      message: `Malformed ${header} header`,
      code: 'INVALID_HEADER',
      details: [{ field: header, messages: [`${header} must be ${expected}`] }],
    });
  }
}

import { BadRequestException } from '@nestjs/common';

export class InvalidCursorException extends BadRequestException {
  constructor() {
    super({
      message: 'Invalid cursor',
      code: 'INVALID_CURSOR',
      details: [
        { field: 'cursor', messages: ['cursor must be a nextCursor returned by this API'] },
      ],
    });
  }
}

import { NotFoundException } from '@nestjs/common';

/** Unknown id or another owner's session: the same 404, so ids of others leak nothing. */
export class SessionNotFoundException extends NotFoundException {
  constructor(id: string) {
    super({ message: `Session ${id} not found`, code: 'SESSION_NOT_FOUND' });
  }
}

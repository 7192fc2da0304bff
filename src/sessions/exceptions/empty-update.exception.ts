import { BadRequestException } from '@nestjs/common';

export class EmptyUpdateException extends BadRequestException {
  constructor() {
    super({
      message: 'Nothing to update: send at least one of title, totalBudget, currency',
      code: 'EMPTY_UPDATE',
    });
  }
}

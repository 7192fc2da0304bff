import { BadRequestException } from '@nestjs/common';

/** A body or socket.io payload nested deeper than the cap: refused before validation reads it. */
export class JsonTooDeepException extends BadRequestException {
  constructor(maxDepth: number) {
    super({
      message: `JSON nests deeper than ${maxDepth} levels`,
      code: 'JSON_TOO_DEEP',
    });
  }
}

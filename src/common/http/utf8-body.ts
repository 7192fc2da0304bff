import { BadRequestException } from '@nestjs/common';
import { isUtf8 } from 'node:buffer';

/**
 * A `verify` hook for express's json parser: a body declared (or defaulted) as UTF-8 whose bytes
 * are not valid UTF-8 is a 400. The parser's decoder would otherwise turn each bad sequence into
 * U+FFFD and the request would be stored with text the client never sent.
 */
export function rejectInvalidUtf8(
  _req: unknown,
  _res: unknown,
  body: Buffer,
  encoding: string | null,
): void {
  const utf8 = encoding === null || encoding.toLowerCase().replace('-', '') === 'utf8';
  if (utf8 && !isUtf8(body)) {
    throw new BadRequestException({
      message: 'Request body is not valid UTF-8',
      code: 'INVALID_UTF8',
    });
  }
}

import { BadRequestException } from '@nestjs/common';
import { rejectInvalidUtf8 } from './utf8-body';

const check =
  (bytes: number[], encoding: string | null = 'utf-8') =>
  () =>
    rejectInvalidUtf8(undefined, undefined, Buffer.from(bytes), encoding);

describe('rejectInvalidUtf8', () => {
  it('should let valid UTF-8 through, multi-byte characters included', () => {
    expect(check([...Buffer.from('{"title":"Küche 🏠"}')])).not.toThrow();
    expect(check([...Buffer.from('{"a":1}')], 'UTF8')).not.toThrow();
  });

  it.each([
    ['a lone continuation byte', [0x22, 0x80, 0x22]],
    ['a truncated sequence', [0x22, 0xc3, 0x22]],
    ['an overlong encoding', [0x22, 0xc0, 0xaf, 0x22]],
    ['an encoded surrogate', [0x22, 0xed, 0xa0, 0x80, 0x22]],
    ['a byte never used in UTF-8', [0x22, 0xff, 0x22]],
  ])('should refuse %s with a 400', (_label, bytes) => {
    expect(check(bytes)).toThrow(BadRequestException);
  });

  it('should leave bodies in another declared charset to their decoder', () => {
    expect(check([0x22, 0x00, 0xff, 0xfe], 'utf-16le')).not.toThrow();
  });
});

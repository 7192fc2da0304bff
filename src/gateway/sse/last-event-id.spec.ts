import { BadRequestException } from '@nestjs/common';
import { resumeAfter } from './last-event-id';

describe('resumeAfter', () => {
  it('should prefer the Last-Event-ID header over the after parameter', () => {
    expect(resumeAfter('42', 7)).toBe(42);
  });

  it('should fall back to after, or to nothing', () => {
    expect(resumeAfter(undefined, 7)).toBe(7);
    expect(resumeAfter('', undefined)).toBeUndefined();
  });

  it.each(['abc', '-1', '1.5', '1e3', '9999999999999999'])('should reject %p with a 400', (id) => {
    expect(() => resumeAfter(id, undefined)).toThrow(BadRequestException);
  });
});

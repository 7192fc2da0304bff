import { decodeSessionCursor, encodeSessionCursor } from './session-cursor';

describe('session cursor', () => {
  const cursor = {
    createdAt: new Date('2025-01-31T09:15:00.123Z'),
    id: '3f0e8b9e-2a51-4c1f-9a57-5b0f3c1d2e4a',
  };

  it('should round-trip a keyset position through opaque base64url text', () => {
    const text = encodeSessionCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeSessionCursor(text)).toEqual(cursor);
  });

  it.each([
    ['not base64url', 'abc$%'],
    ['empty', ''],
    ['garbage bytes', 'Zm9vYmFy'],
    ['bad uuid', Buffer.from('2025-01-31T09:15:00.123Z|nope').toString('base64url')],
    ['bad date', Buffer.from(`2025-13-31T09:15:00.123Z|${cursor.id}`).toString('base64url')],
    ['loose date', Buffer.from(`2025|${cursor.id}`).toString('base64url')],
    ['extra part', Buffer.from(`2025-01-31T09:15:00.123Z|${cursor.id}|x`).toString('base64url')],
  ])('should refuse %s', (_name, text) => {
    expect(decodeSessionCursor(text)).toBeNull();
  });
});

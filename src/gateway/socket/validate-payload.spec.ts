import { randomUUID } from 'node:crypto';
import { RequestValidationException } from '../../common/errors/request-validation.exception';
import { JoinSessionPayload } from './dto/join-session.payload';
import { validatePayload } from './validate-payload';

describe('validatePayload', () => {
  it('should return the payload as an instance of its class when it is valid', async () => {
    const sessionId = randomUUID();
    const payload = await validatePayload(JoinSessionPayload, { sessionId, afterSeq: 3 });
    expect(payload).toBeInstanceOf(JoinSessionPayload);
    expect(payload).toEqual({ sessionId, afterSeq: 3 });
  });

  it.each([
    ['a nested object with its own constructor key', { sessionId: { constructor: 'x' } }],
    ['an unknown field holding one', { sessionId: randomUUID(), x: { constructor: 'x' } }],
    ['an unknown field', { sessionId: randomUUID(), seq: 1 }],
    ['a binary payload', Buffer.from('{}')],
    ['an array', [{ sessionId: randomUUID() }]],
    ['nothing', undefined],
  ])('should refuse %s with 400 VALIDATION_FAILED', async (_case, payload) => {
    await expect(validatePayload(JoinSessionPayload, payload)).rejects.toBeInstanceOf(
      RequestValidationException,
    );
  });
});

import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdFor } from './request-id';

function call(header: string | undefined): { id: string; echoed: unknown } {
  const headers: Record<string, unknown> = {};
  const req = {
    headers: header === undefined ? {} : { 'x-request-id': header },
  } as unknown as IncomingMessage;
  const res = {
    setHeader: (name: string, value: unknown) => (headers[name] = value),
  } as unknown as ServerResponse;
  const id = requestIdFor(req, res);
  return { id, echoed: headers['X-Request-Id'] };
}

describe('requestIdFor', () => {
  it('should keep a sane client token and echo it', () => {
    expect(call('abc.DEF_123-x')).toEqual({ id: 'abc.DEF_123-x', echoed: 'abc.DEF_123-x' });
  });

  it.each([['has spaces'], ['x'.repeat(129)], ['<script>'], ['']])(
    'should replace %j with a UUID',
    (given) => {
      const { id, echoed } = call(given);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(echoed).toBe(id);
    },
  );
});

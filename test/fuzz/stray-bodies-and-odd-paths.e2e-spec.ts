import type { INestApplication } from '@nestjs/common';
import { ENVELOPE } from '../support/error-envelope';
import { baseUrl, createTestApp } from '../support/test-app';
import { exchange, type FuzzRequest } from './http-exchange';

/**
 * Inputs the REST fuzz found (docs/testing.md), kept as plain tests: bodies sent with methods
 * that take none, and paths whose segments are odd once decoded. Every answer here is also checked
 * against the OpenAPI document by the e2e setup (docs/api-contract.md).
 */
describe('stray bodies and odd paths (e2e)', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await createTestApp({ listen: true });
    base = baseUrl(app);
  });

  afterAll(async () => {
    await app.close();
  });

  const send = (request: FuzzRequest) => exchange(base, request);

  async function createSession(): Promise<string> {
    const response = await send({
      method: 'POST',
      path: '/api/sessions',
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.from('{"title":"Stray bodies"}'),
    });
    expect(response.status).toBe(201);
    return (response.json as { id: string }).id;
  }

  describe('a body on a method that takes none', () => {
    it('should ignore a GET body whatever its type and size', async () => {
      const id = await createSession();
      for (const [type, body] of [
        ['text/plain', Buffer.from('name=x')],
        ['application/json', Buffer.from('{not json')],
        ['application/json', Buffer.alloc(300_000, 0x61)],
      ] as const) {
        const response = await send({
          method: 'GET',
          path: `/api/sessions/${id}`,
          headers: { 'Content-Type': type },
          body,
        });
        expect(response.status).toBe(200);
        expect(response.json).toMatchObject({ id });
      }
    });

    it('should ignore a DELETE body and delete the session', async () => {
      const id = await createSession();
      const response = await send({
        method: 'DELETE',
        path: `/api/sessions/${id}`,
        headers: { 'Content-Type': 'text/plain' },
        body: Buffer.from('please'),
      });
      expect(response.status).toBe(204);
      const gone = await send({ method: 'GET', path: `/api/sessions/${id}`, headers: {} });
      expect(gone.status).toBe(404);
    });

    it('should still refuse a POST body that is not JSON (415) or too large (413)', async () => {
      const id = await createSession();
      const cancel = `/api/sessions/${id}/runs/00000000-0000-4000-8000-000000000000/cancel`;
      const notJson = await send({
        method: 'POST',
        path: cancel,
        headers: { 'Content-Type': 'text/plain' },
        body: Buffer.from('x'),
      });
      expect(notJson.status).toBe(415);
      expect(notJson.json).toEqual({
        ...ENVELOPE,
        statusCode: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
      const tooLarge = await send({
        method: 'PATCH',
        path: `/api/sessions/${id}`,
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from(JSON.stringify({ title: 'x'.repeat(200_000) })),
      });
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.json).toEqual({ ...ENVELOPE, statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    });
  });

  describe('odd path segments', () => {
    /** GET /api/sessions/<segment>, the segment sent as it is. */
    const getSession = (segment: string) =>
      send({ method: 'GET', path: `/api/sessions/${segment}`, headers: {} });

    it.each(['%2e%2e', '%2E%2E/messages', '..', 'a%2Fb', '%00'])(
      'should route /api/sessions/%s as Express does, to the id parameter, and refuse it with 400',
      async (segment) => {
        const response = await getSession(segment);
        expect(response.status).toBe(400);
        expect(response.json).toMatchObject({ ...ENVELOPE, statusCode: 400 });
      },
    );

    it.each(['%C3%28', '%E0%A4%A', '%zz', '%ED%A0%80', '%C3%28/events'])(
      'should answer /api/sessions/%s, which does not decode, with a 400 in the envelope',
      async (segment) => {
        const response = await getSession(segment);
        expect(response.status).toBe(400);
        expect(response.json).toEqual({ ...ENVELOPE, statusCode: 400, code: 'BAD_REQUEST' });
      },
    );

    it.each([
      ['OPTIONS', '/api/sessions/%ED%A0%80'],
      ['PUT', '/api/sessions/%C3%28'],
      ['GET', '/api/nowhere/%E0%A4%A'],
    ])(
      'should answer %s %s, a route no handler has, with a 400 before routing',
      async (method, path) => {
        const response = await send({ method, path, headers: {} });
        expect(response.status).toBe(400);
        expect(response.json).toEqual({ ...ENVELOPE, statusCode: 400, code: 'BAD_REQUEST' });
      },
    );
  });
});

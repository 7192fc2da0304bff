import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { ErrorEnvelope } from '../../src/common/errors/error-envelope';
import { badFields } from './response-bodies';
import { createSessionsTestApp, type SessionsTestApp } from './sessions-test-app';
import { ENVELOPE } from '../support/error-envelope';
import { LiveSocket } from '../support/live-clients';
import { baseUrl } from '../support/test-app';

/**
 * Text Postgres cannot store as sent (U+0000, a lone surrogate) and bytes that are not UTF-8: a
 * 400, never a 500 or U+FFFD.
 */
describe('text Postgres cannot store (e2e)', () => {
  let suite: SessionsTestApp;

  beforeAll(async () => {
    suite = await createSessionsTestApp({ listen: true });
  });

  afterAll(async () => {
    await suite.app.close();
  });

  async function createSession(): Promise<string> {
    const response = await request(suite.server)
      .post('/api/sessions')
      .send({ title: 'Plain text' })
      .expect(201);
    return (response.body as { id: string }).id;
  }

  /** message:create with `content` is acked 400 naming content, the socket kept, nothing stored. */
  async function expectSocketRefusesContent(content: string): Promise<void> {
    const id = await createSession();
    const client = await LiveSocket.connect(baseUrl(suite.app));
    try {
      const ack = await client.request<ErrorEnvelope>('message:create', { sessionId: id, content });
      expect(ack).toMatchObject({ ...ENVELOPE, statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(badFields(ack)).toEqual(['content']);
      expect(client.socket.connected).toBe(true);
    } finally {
      client.close();
    }
    const messages = await request(suite.server).get(`/api/sessions/${id}/messages`).expect(200);
    expect(messages.body).toMatchObject({ items: [] });
  }

  async function sessionTitles(): Promise<string[]> {
    const response = await request(suite.server).get('/api/sessions?limit=100').expect(200);
    return (response.body as { items: Array<{ title: string }> }).items.map((item) => item.title);
  }

  describe('a NUL character', () => {
    it.each([
      ['title', { title: 'a\u0000b' }],
      ['currency', { title: 'ok', currency: 'EU\u0000' }],
      ['totalBudget', { title: 'ok', totalBudget: '1\u00000' }],
    ])('should answer POST /api/sessions with 400 naming %s', async (field, body) => {
      const before = await sessionTitles();
      const response = await request(suite.server).post('/api/sessions').send(body).expect(400);
      expect(response.body).toMatchObject({ ...ENVELOPE, code: 'VALIDATION_FAILED' });
      expect(badFields(response.body)).toContain(field);
      expect(await sessionTitles()).toEqual(before);
    });

    it('should answer PATCH /api/sessions/:id with 400 naming title and keep the session', async () => {
      const id = await createSession();
      const response = await request(suite.server)
        .patch(`/api/sessions/${id}`)
        .send({ title: '\u0000' })
        .expect(400);
      expect(badFields(response.body)).toEqual(['title']);
      const unchanged = await request(suite.server).get(`/api/sessions/${id}`).expect(200);
      expect(unchanged.body).toMatchObject({ title: 'Plain text', version: 1 });
    });

    it('should answer POST /api/sessions/:id/messages with 400 naming content and store nothing', async () => {
      const id = await createSession();
      const response = await request(suite.server)
        .post(`/api/sessions/${id}/messages`)
        .send({ content: 'a\u0000b' })
        .expect(400);
      expect(response.body).toMatchObject({ ...ENVELOPE, code: 'VALIDATION_FAILED' });
      expect(badFields(response.body)).toEqual(['content']);
      const messages = await request(suite.server).get(`/api/sessions/${id}/messages`).expect(200);
      expect(messages.body).toMatchObject({ items: [] });
    });

    it('should answer a cursor holding one with 400, not a database error', async () => {
      const response = await request(suite.server)
        .get('/api/sessions')
        .query({ cursor: 'a\u0000b' })
        .expect(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('should ack socket.io message:create with 400 naming content and store nothing', async () => {
      await expectSocketRefusesContent('a\u0000b');
    });
  });

  describe('a lone surrogate', () => {
    /** The JSON text as sent: JSON.stringify would escape the surrogate the same way. */
    const postJson = (path: string, text: string) =>
      request(suite.server).post(path).set('Content-Type', 'application/json').send(text);

    it.each([
      ['title', '{"title":"a\\ud800b"}'],
      ['title', '{"title":"\\udfff"}'],
      ['currency', '{"title":"ok","currency":"EU\\ud800"}'],
    ])('should answer POST /api/sessions with 400 naming %s', async (field, text) => {
      const before = await sessionTitles();
      const response = await postJson('/api/sessions', text).expect(400);
      expect(response.body).toMatchObject({ ...ENVELOPE, code: 'VALIDATION_FAILED' });
      expect(badFields(response.body)).toContain(field);
      expect(await sessionTitles()).toEqual(before);
    });

    it('should answer POST /api/sessions/:id/messages with 400 naming content and store nothing', async () => {
      const id = await createSession();
      const response = await postJson(
        `/api/sessions/${id}/messages`,
        '{"content":"a\\ud800b"}',
      ).expect(400);
      expect(response.body).toMatchObject({ ...ENVELOPE, code: 'VALIDATION_FAILED' });
      expect(badFields(response.body)).toEqual(['content']);
      const messages = await request(suite.server).get(`/api/sessions/${id}/messages`).expect(200);
      expect(messages.body).toMatchObject({ items: [] });
    });

    it('should still store a surrogate pair (an emoji) as sent', async () => {
      const response = await postJson('/api/sessions', '{"title":"house \\ud83c\\udfe0"}');
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ title: 'house 🏠' });
    });

    it('should ack socket.io message:create with 400 naming content and store nothing', async () => {
      await expectSocketRefusesContent('a\ud800b');
    });
  });

  describe('a body that is not UTF-8', () => {
    const json = (...parts: Array<string | number[]>): Buffer =>
      Buffer.concat(
        parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))),
      );

    /** The bytes as they are: a real HTTP client, no serializer in between. */
    async function postBytes(
      path: string,
      body: Buffer,
      contentType = 'application/json',
    ): Promise<{ status: number; body: unknown }> {
      const response = await fetch(`${baseUrl(suite.app)}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': contentType },
        body,
      });
      return { status: response.status, body: await response.json() };
    }

    it.each([
      ['a lone continuation byte', [0x80]],
      ['a truncated sequence', [0xc3]],
      ['an overlong slash', [0xc0, 0xaf]],
      ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ])(
      'should answer %s in a title with 400 INVALID_UTF8 and store nothing',
      async (_label, bytes) => {
        const title = `bytes-${randomUUID()}`;
        const response = await postBytes('/api/sessions', json(`{"title":"${title}`, bytes, '"}'));
        expect(response.status).toBe(400);
        expect(response.body).toEqual({ ...ENVELOPE, statusCode: 400, code: 'INVALID_UTF8' });
        expect((await sessionTitles()).some((stored) => stored.startsWith(title))).toBe(false);
      },
    );

    it('should answer invalid bytes in a message with 400 and store nothing', async () => {
      const id = await createSession();
      const response = await postBytes(
        `/api/sessions/${id}/messages`,
        json('{"content":"caf', [0xe9], '"}'),
        'application/json; charset=utf-8',
      );
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'INVALID_UTF8' });
      const messages = await request(suite.server).get(`/api/sessions/${id}/messages`).expect(200);
      expect(messages.body).toMatchObject({ items: [] });
    });

    it('should still accept multi-byte UTF-8', async () => {
      const response = await postBytes(
        '/api/sessions',
        Buffer.from(JSON.stringify({ title: 'Küche 🏠' })),
      );
      expect(response).toMatchObject({ status: 201, body: { title: 'Küche 🏠' } });
    });
  });
});

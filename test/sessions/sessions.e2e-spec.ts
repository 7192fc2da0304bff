import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { badFields, pluck } from './response-bodies';
import { useSessionsTestApp } from './sessions-test-app';
import { ENVELOPE } from '../support/error-envelope';

describe('sessions (e2e)', () => {
  const suite = useSessionsTestApp();

  async function createSession(body: Record<string, unknown> = {}): Promise<{
    id: string;
    version: number;
    phase: string;
  }> {
    const response = await request(suite.server)
      .post('/api/sessions')
      .send({ title: 'Kitchen remodel', ...body })
      .expect(201);
    return response.body as { id: string; version: number; phase: string };
  }

  async function moveTo(id: string, ...phases: string[]): Promise<void> {
    for (const phase of phases) {
      await request(suite.server).post(`/api/sessions/${id}/phase`).send({ phase }).expect(200);
    }
  }

  describe('POST /api/sessions', () => {
    it('should create a session in INTAKE with Location, ETag and a decimal-string budget', async () => {
      const response = await request(suite.server)
        .post('/api/sessions')
        .send({ title: '  Bathroom  ', totalBudget: '1234.5', currency: 'eur' })
        .expect(201);
      expect(response.body).toEqual({
        id: expect.any(String) as string,
        title: 'Bathroom',
        phase: 'INTAKE',
        totalBudget: '1234.50',
        currency: 'EUR',
        ownerId: suite.ownerId,
        createdAt: expect.any(String) as string,
        updatedAt: expect.any(String) as string,
        version: 1,
      });
      expect(response.headers.location).toBe(`/api/sessions/${response.body.id}`);
      expect(response.headers.etag).toBe('"1"');
    });

    it('should default currency to USD and budget to null, and accept a JSON number budget', async () => {
      const plain = await createSession();
      expect(plain).toMatchObject({ currency: 'USD', totalBudget: null });
      const numeric = await createSession({ totalBudget: 99.99 });
      expect(numeric).toMatchObject({ totalBudget: '99.99' });
      const big = await createSession({ totalBudget: '999999999999.99' });
      expect(big).toMatchObject({ totalBudget: '999999999999.99' });
    });

    it.each([
      ['a missing title', {}, 'title'],
      ['an empty title', { title: '' }, 'title'],
      ['a blank title', { title: '   ' }, 'title'],
      ['an oversized title', { title: 'x'.repeat(201) }, 'title'],
      ['a title of the wrong type', { title: 42 }, 'title'],
      ['a negative budget', { title: 't', totalBudget: -1 }, 'totalBudget'],
      ['a negative budget string', { title: 't', totalBudget: '-0.01' }, 'totalBudget'],
      ['an over-precise budget', { title: 't', totalBudget: 0.001 }, 'totalBudget'],
      ['an over-precise budget string', { title: 't', totalBudget: '10.005' }, 'totalBudget'],
      ['a budget too large for numeric(14,2)', { title: 't', totalBudget: 1e13 }, 'totalBudget'],
      ['a budget in exponent form', { title: 't', totalBudget: '1e3' }, 'totalBudget'],
      ['a budget of the wrong type', { title: 't', totalBudget: true }, 'totalBudget'],
      ['an unknown currency', { title: 't', currency: 'ABC' }, 'currency'],
      ['a currency of the wrong type', { title: 't', currency: 840 }, 'currency'],
      ['a null currency', { title: 't', currency: null }, 'currency'],
      ['an unknown field', { title: 't', phase: 'PLAN' }, 'phase'],
      ['another owner smuggled in', { title: 't', ownerId: randomUUID() }, 'ownerId'],
    ])('should answer 400 for %s', async (_case, body, field) => {
      const response = await request(suite.server).post('/api/sessions').send(body).expect(400);
      expect(response.body).toMatchObject({ ...ENVELOPE, code: 'VALIDATION_FAILED' });
      expect(badFields(response.body)).toContain(field);
    });
  });

  describe('GET /api/sessions/:id', () => {
    it('should return the session with its version as ETag', async () => {
      const created = await createSession({ totalBudget: '10' });
      const response = await request(suite.server).get(`/api/sessions/${created.id}`).expect(200);
      expect(response.body).toMatchObject({ id: created.id, totalBudget: '10.00', version: 1 });
      expect(response.headers.etag).toBe('"1"');
    });

    it('should answer 400 for a non-uuid id', async () => {
      const response = await request(suite.server).get('/api/sessions/not-a-uuid').expect(400);
      expect(response.body).toMatchObject({ ...ENVELOPE, code: 'VALIDATION_FAILED' });
      expect(badFields(response.body)).toEqual(['id']);
    });

    it('should answer 404 for an unknown id', async () => {
      const response = await request(suite.server).get(`/api/sessions/${randomUUID()}`).expect(404);
      expect(response.body).toMatchObject({ ...ENVELOPE, code: 'SESSION_NOT_FOUND' });
    });

    it("should answer 404 for another owner's session", async () => {
      const created = await createSession();
      suite.actAs(randomUUID());
      await request(suite.server).get(`/api/sessions/${created.id}`).expect(404);
      await request(suite.server)
        .patch(`/api/sessions/${created.id}`)
        .send({ title: 'x' })
        .expect(404);
      await request(suite.server)
        .post(`/api/sessions/${created.id}/phase`)
        .send({ phase: 'CHECKLIST' })
        .expect(404);
      await request(suite.server).delete(`/api/sessions/${created.id}`).expect(404);
      suite.actAs(suite.ownerId);
      const untouched = await request(suite.server).get(`/api/sessions/${created.id}`).expect(200);
      expect(untouched.body).toMatchObject({ title: 'Kitchen remodel', version: 1 });
    });
  });

  describe('GET /api/sessions', () => {
    it('should page newest first with an opaque cursor, without repeats or gaps', async () => {
      suite.actAs(randomUUID());
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        ids.push((await createSession({ title: `s${i}` })).id);
      }
      // The expected order is (created_at desc, id desc): two inserts in the same millisecond
      // tie-break on id, so read it once in full rather than assume insertion order.
      const full = await request(suite.server).get('/api/sessions?limit=100').expect(200);
      const expected = pluck<string>(full.body.items, 'id');
      expect([...expected].sort()).toEqual([...ids].sort());
      const times = pluck<string>(full.body.items, 'createdAt');
      expect(times).toEqual([...times].sort().reverse());

      const first = await request(suite.server).get('/api/sessions?limit=2').expect(200);
      expect(first.body.nextCursor).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]+$/));
      // Inserted between pages: newer than the cursor, so it must not shift the next pages.
      await createSession({ title: 'late' });
      const second = await request(suite.server)
        .get(`/api/sessions?limit=2&cursor=${first.body.nextCursor}`)
        .expect(200);
      const third = await request(suite.server)
        .get(`/api/sessions?limit=2&cursor=${second.body.nextCursor}`)
        .expect(200);
      expect(third.body.nextCursor).toBeNull();
      const paged = [...first.body.items, ...second.body.items, ...third.body.items].map(
        (s: { id: string }) => s.id,
      );
      expect(paged).toEqual(expected);
    });

    it('should default to 20 items and filter by phase', async () => {
      suite.actAs(randomUUID());
      for (let i = 0; i < 21; i += 1) {
        await createSession({ title: `s${i}` });
      }
      const all = await request(suite.server).get('/api/sessions').expect(200);
      expect(all.body.items).toHaveLength(20);
      expect(all.body.nextCursor).not.toBeNull();

      const planned = await createSession({ title: 'moved' });
      await moveTo(planned.id, 'CHECKLIST');
      const filtered = await request(suite.server).get('/api/sessions?phase=CHECKLIST').expect(200);
      expect(filtered.body).toEqual({
        items: [expect.objectContaining({ id: planned.id, phase: 'CHECKLIST' })],
        nextCursor: null,
      });
    });

    it('should list only the own sessions', async () => {
      suite.actAs(randomUUID());
      const mine = await createSession();
      suite.actAs(randomUUID());
      await createSession();
      const other = await request(suite.server).get('/api/sessions').expect(200);
      expect(pluck<string>(other.body.items, 'id')).not.toContain(mine.id);
      expect(other.body.items).toHaveLength(1);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1.5', 'limit'],
      ['phase=DONE', 'phase'],
      ['sort=title', 'sort'],
    ])('should answer 400 for ?%s', async (query, field) => {
      const response = await request(suite.server).get(`/api/sessions?${query}`).expect(400);
      expect(response.body).toMatchObject({ ...ENVELOPE, code: 'VALIDATION_FAILED' });
      expect(badFields(response.body)).toContain(field);
    });

    it.each([
      ['garbage', 'not-a-cursor!'],
      ['base64 of garbage', Buffer.from('hello').toString('base64url')],
      ['a cursor with a bad id', Buffer.from('2025-01-01T00:00:00.000Z|x').toString('base64url')],
      ['an oversized cursor', 'A'.repeat(500)],
    ])('should answer 400 for %s as cursor', async (_case, cursor) => {
      const response = await request(suite.server)
        .get(`/api/sessions?cursor=${encodeURIComponent(cursor)}`)
        .expect(400);
      expect(response.body).toMatchObject(ENVELOPE);
      expect(badFields(response.body)).toEqual(['cursor']);
    });
  });

  describe('PATCH /api/sessions/:id', () => {
    it('should update fields, bump the version and keep money exact', async () => {
      const created = await createSession({ totalBudget: '5' });
      const response = await request(suite.server)
        .patch(`/api/sessions/${created.id}`)
        .send({ title: ' New title ', totalBudget: 0.1, currency: 'JPY' })
        .expect(200);
      expect(response.body).toMatchObject({
        title: 'New title',
        totalBudget: '0.10',
        currency: 'JPY',
        version: 2,
      });
      expect(response.headers.etag).toBe('"2"');
      const cleared = await request(suite.server)
        .patch(`/api/sessions/${created.id}`)
        .send({ totalBudget: null })
        .expect(200);
      expect(cleared.body).toMatchObject({ title: 'New title', totalBudget: null, version: 3 });
    });

    it('should honour If-Match: the current ETag or * succeeds, a stale one is 412', async () => {
      const created = await createSession();
      await request(suite.server)
        .patch(`/api/sessions/${created.id}`)
        .set('If-Match', '"1"')
        .send({ title: 'first' })
        .expect(200);
      const stale = await request(suite.server)
        .patch(`/api/sessions/${created.id}`)
        .set('If-Match', '"1"')
        .send({ title: 'second' })
        .expect(412);
      expect(stale.body).toMatchObject({
        ...ENVELOPE,
        code: 'VERSION_MISMATCH',
        details: [{ currentVersion: 2, currentETag: '"2"' }],
      });
      await request(suite.server)
        .patch(`/api/sessions/${created.id}`)
        .set('If-Match', '"7", "2"')
        .send({ title: 'third' })
        .expect(200);
      await request(suite.server)
        .patch(`/api/sessions/${created.id}`)
        .set('If-Match', '*')
        .send({ title: 'fourth' })
        .expect(200);
      const current = await request(suite.server).get(`/api/sessions/${created.id}`).expect(200);
      expect(current.body).toMatchObject({ title: 'fourth', version: 4 });
    });

    it('should let the last write win without If-Match', async () => {
      const created = await createSession();
      await request(suite.server)
        .patch(`/api/sessions/${created.id}`)
        .send({ title: 'a' })
        .expect(200);
      const response = await request(suite.server)
        .patch(`/api/sessions/${created.id}`)
        .send({ title: 'b' })
        .expect(200);
      expect(response.body).toMatchObject({ title: 'b', version: 3 });
    });

    it.each(['W/"1"', '1', 'abc', '"x"'])(
      'should answer 400 INVALID_HEADER for If-Match %s',
      async (header) => {
        const created = await createSession();
        const response = await request(suite.server)
          .patch(`/api/sessions/${created.id}`)
          .set('If-Match', header)
          .send({ title: 'x' })
          .expect(400);
        expect(response.body).toMatchObject({ ...ENVELOPE, code: 'INVALID_HEADER' });
      },
    );

    it.each([
      ['an empty title', { title: '' }, 'title'],
      ['a null title', { title: null }, 'title'],
      ['an oversized title', { title: 'y'.repeat(201) }, 'title'],
      ['an over-precise budget', { totalBudget: '0.001' }, 'totalBudget'],
      ['a negative budget', { totalBudget: -5 }, 'totalBudget'],
      ['an unknown currency', { currency: 'XYZ' }, 'currency'],
      ['an unknown field', { version: 9 }, 'version'],
      ['a phase (it has its own route)', { phase: 'PLAN' }, 'phase'],
    ])('should answer 400 for %s', async (_case, body, field) => {
      const created = await createSession();
      const response = await request(suite.server)
        .patch(`/api/sessions/${created.id}`)
        .send(body)
        .expect(400);
      expect(badFields(response.body)).toContain(field);
    });

    it('should answer 400 EMPTY_UPDATE for an empty body, 400 for a bad id, 404 for an unknown one', async () => {
      const created = await createSession();
      const empty = await request(suite.server)
        .patch(`/api/sessions/${created.id}`)
        .send({})
        .expect(400);
      expect(empty.body).toMatchObject({ ...ENVELOPE, code: 'EMPTY_UPDATE' });
      await request(suite.server).patch('/api/sessions/123').send({ title: 'x' }).expect(400);
      const missing = await request(suite.server)
        .patch(`/api/sessions/${randomUUID()}`)
        .set('If-Match', '"1"')
        .send({ title: 'x' })
        .expect(404);
      expect(missing.body).toMatchObject({ code: 'SESSION_NOT_FOUND' });
    });
  });

  describe('DELETE /api/sessions/:id', () => {
    it('should answer 204, then 404, and take the messages with it', async () => {
      const created = await createSession();
      await request(suite.server)
        .post(`/api/sessions/${created.id}/messages`)
        .send({ content: 'hello' })
        .expect(201);
      await request(suite.server).delete(`/api/sessions/${created.id}`).expect(204);
      await request(suite.server).get(`/api/sessions/${created.id}`).expect(404);
      await request(suite.server).get(`/api/sessions/${created.id}/messages`).expect(404);
      await request(suite.server).delete(`/api/sessions/${created.id}`).expect(404);
    });

    it('should answer 400 for a non-uuid id', async () => {
      await request(suite.server).delete('/api/sessions/zzz').expect(400);
    });

    it('should refuse a stale If-Match with 412 and keep the session, then delete on the current one', async () => {
      const created = await createSession();
      await request(suite.server)
        .patch(`/api/sessions/${created.id}`)
        .send({ title: 'Renamed' })
        .expect(200);
      const stale = await request(suite.server)
        .delete(`/api/sessions/${created.id}`)
        .set('If-Match', '"1"')
        .expect(412);
      expect(stale.body).toEqual({
        ...ENVELOPE,
        statusCode: 412,
        code: 'VERSION_MISMATCH',
        details: [{ currentVersion: 2, currentETag: '"2"' }],
      });
      await request(suite.server).get(`/api/sessions/${created.id}`).expect(200);
      await request(suite.server)
        .delete(`/api/sessions/${created.id}`)
        .set('If-Match', '"1", "2"')
        .expect(204);
      await request(suite.server).get(`/api/sessions/${created.id}`).expect(404);
    });

    it('should delete with If-Match * or without If-Match, and answer 404 (not 412) for a missing session', async () => {
      const any = await createSession();
      await request(suite.server)
        .delete(`/api/sessions/${any.id}`)
        .set('If-Match', '*')
        .expect(204);
      const unconditional = await createSession();
      await request(suite.server).delete(`/api/sessions/${unconditional.id}`).expect(204);
      const missing = await request(suite.server)
        .delete(`/api/sessions/${randomUUID()}`)
        .set('If-Match', '"1"')
        .expect(404);
      expect(missing.body).toMatchObject({ code: 'SESSION_NOT_FOUND' });
    });

    it('should answer a malformed If-Match with 400 INVALID_HEADER and keep the session', async () => {
      const created = await createSession();
      const response = await request(suite.server)
        .delete(`/api/sessions/${created.id}`)
        .set('If-Match', 'W/"1"')
        .expect(400);
      expect(response.body).toMatchObject({ code: 'INVALID_HEADER' });
      await request(suite.server).get(`/api/sessions/${created.id}`).expect(200);
    });
  });

  describe('POST /api/sessions/:id/phase', () => {
    it('should walk the whole machine, including the steps back and the ITERATE loop', async () => {
      const created = await createSession();
      const path = ['CHECKLIST', 'INTAKE', 'CHECKLIST', 'PLAN', 'CHECKLIST', 'PLAN', 'RENDER'];
      // Without PAYMENTS_ENABLED (the default), RENDER leads straight to COMPLETE.
      const rest = ['PLAN', 'RENDER', 'COMPLETE', 'ITERATE', 'PLAN'];
      await moveTo(created.id, ...path, ...rest);
      const response = await request(suite.server).get(`/api/sessions/${created.id}`).expect(200);
      expect(response.body).toMatchObject({
        phase: 'PLAN',
        version: 1 + path.length + rest.length,
      });
    });

    it('should answer 200 with the session and its new ETag', async () => {
      const created = await createSession();
      const response = await request(suite.server)
        .post(`/api/sessions/${created.id}/phase`)
        .send({ phase: 'CHECKLIST' })
        .expect(200);
      expect(response.body).toMatchObject({ id: created.id, phase: 'CHECKLIST', version: 2 });
      expect(response.headers.etag).toBe('"2"');
    });

    it('should answer 409 listing the allowed next phases for an illegal move', async () => {
      const created = await createSession();
      await moveTo(created.id, 'CHECKLIST', 'PLAN');
      const response = await request(suite.server)
        .post(`/api/sessions/${created.id}/phase`)
        .send({ phase: 'COMPLETE' })
        .expect(409);
      expect(response.body).toMatchObject({
        ...ENVELOPE,
        code: 'ILLEGAL_PHASE_TRANSITION',
        details: [
          {
            currentPhase: 'PLAN',
            requestedPhase: 'COMPLETE',
            allowedNextPhases: ['RENDER', 'CHECKLIST'],
          },
        ],
      });
      const same = await request(suite.server)
        .post(`/api/sessions/${created.id}/phase`)
        .send({ phase: 'PLAN' })
        .expect(409);
      expect(same.body.details[0].allowedNextPhases).toEqual(['RENDER', 'CHECKLIST']);
    });

    it('should let exactly one of two concurrent identical moves win', async () => {
      const created = await createSession();
      const [a, b] = await Promise.all(
        [1, 2].map(() =>
          request(suite.server)
            .post(`/api/sessions/${created.id}/phase`)
            .send({ phase: 'CHECKLIST' }),
        ),
      );
      expect([a?.status, b?.status].sort()).toEqual([200, 409]);
      const after = await request(suite.server).get(`/api/sessions/${created.id}`).expect(200);
      expect(after.body).toMatchObject({ phase: 'CHECKLIST', version: 2 });
    });

    it.each([
      ['an unknown phase', { phase: 'DONE' }],
      ['a lower-case phase', { phase: 'plan' }],
      ['a missing phase', {}],
      ['a phase of the wrong type', { phase: 3 }],
      ['an unknown field', { phase: 'CHECKLIST', force: true }],
    ])('should answer 400 for %s', async (_case, body) => {
      const created = await createSession();
      const response = await request(suite.server)
        .post(`/api/sessions/${created.id}/phase`)
        .send(body)
        .expect(400);
      expect(response.body).toMatchObject({ ...ENVELOPE, code: 'VALIDATION_FAILED' });
    });

    it('should answer 400 for a bad id and 404 for an unknown one', async () => {
      await request(suite.server).post('/api/sessions/x/phase').send({ phase: 'PLAN' }).expect(400);
      await request(suite.server)
        .post(`/api/sessions/${randomUUID()}/phase`)
        .send({ phase: 'CHECKLIST' })
        .expect(404);
    });
  });
});

import type { INestApplication } from '@nestjs/common';
import { Client, type Notification } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { type DomainEvent, parseDomainEvent } from '../../src/sessions/events/domain-event';
import { DOMAIN_EVENTS_CHANNEL } from '../../src/sessions/events/domain-events-channel';
import { insertMessageStatement } from '../../src/sessions/sql/message.sql';
import { updateSessionStatement } from '../../src/sessions/sql/session.sql';
import { testDatabaseUrl } from '../support/test-app';
import { createSessionsTestApp } from './sessions-test-app';

/**
 * A plain pg client LISTENing like any replica would: it must see every committed write's event,
 * in commit order, and never one whose transaction rolled back.
 */
describe('domain events (e2e)', () => {
  let app: INestApplication;
  let server: App;
  let ownerId: string;
  let listener: Client;
  const events: DomainEvent[] = [];
  let waiters: Array<() => void> = [];

  beforeAll(async () => {
    ({ app, server, ownerId } = await createSessionsTestApp());
    listener = new Client({ connectionString: testDatabaseUrl() });
    await listener.connect();
    listener.on('notification', (message: Notification) => {
      const event = parseDomainEvent(message.payload ?? '');
      // Other suites write to the same database: keep only this suite's owner.
      if (event?.ownerId === ownerId) {
        events.push(event);
        waiters.forEach((wake) => wake());
        waiters = [];
      }
    });
    await listener.query(`LISTEN ${DOMAIN_EVENTS_CHANNEL}`);
  });

  afterAll(async () => {
    await listener.end();
    await app.close();
  });

  beforeEach(() => {
    events.length = 0;
  });

  async function eventsUntil(count: number): Promise<DomainEvent[]> {
    const deadline = Date.now() + 5000;
    while (events.length < count && Date.now() < deadline) {
      await new Promise<void>((wake) => {
        waiters.push(wake);
        setTimeout(wake, 200);
      });
    }
    return [...events];
  }

  it('should publish every write of the REST API once it has committed', async () => {
    const created = await request(server).post('/api/sessions').send({ title: 'e' }).expect(201);
    const id = created.body.id as string;
    await request(server).patch(`/api/sessions/${id}`).send({ title: 'f' }).expect(200);
    await request(server)
      .post(`/api/sessions/${id}/phase`)
      .send({ phase: 'CHECKLIST' })
      .expect(200);
    const message = await request(server)
      .post(`/api/sessions/${id}/messages`)
      .send({ content: 'hi' })
      .expect(201);
    await request(server).delete(`/api/sessions/${id}`).expect(204);

    expect(await eventsUntil(5)).toEqual([
      { type: 'session.created', sessionId: id, ownerId, version: 1 },
      { type: 'session.updated', sessionId: id, ownerId, version: 2 },
      {
        type: 'session.phase_changed',
        sessionId: id,
        ownerId,
        version: 3,
        phase: 'CHECKLIST',
        previousPhase: 'INTAKE',
      },
      {
        type: 'message.created',
        sessionId: id,
        ownerId,
        messageId: message.body.id as string,
        seq: String(message.body.seq),
      },
      { type: 'session.deleted', sessionId: id, ownerId, version: 3 },
    ]);
  });

  it('should publish nothing for refused writes (404, 409, 412)', async () => {
    const created = await request(server).post('/api/sessions').send({ title: 'e' }).expect(201);
    const id = created.body.id as string;
    await request(server).post(`/api/sessions/${id}/phase`).send({ phase: 'PLAN' }).expect(409);
    await request(server)
      .patch(`/api/sessions/${id}`)
      .set('If-Match', '"9"')
      .send({ title: 'x' })
      .expect(412);
    // A committed marker: events arrive in commit order, so anything before it has arrived too.
    await request(server).delete(`/api/sessions/${id}`).expect(204);
    const seen = await eventsUntil(2);
    expect(seen.map((event) => event.type)).toEqual(['session.created', 'session.deleted']);
  });

  /*
   * The services' own statements carry their NOTIFY (sql/write-with-event.sql.ts). Run here where
   * they can be made to fail: inside a transaction that fails after them, or failing themselves.
   * The same statement committed afterwards is the control: it does publish.
   */
  it('should never deliver the event of a write whose transaction rolled back', async () => {
    const dataSource = app.get(DataSource);
    const created = await request(server).post('/api/sessions').send({ title: 'e' }).expect(201);
    const id = created.body.id as string;
    const update = updateSessionStatement(ownerId, id, { title: 'doomed' })!;
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query(update.sql, update.parameters);
        await manager.query('SELECT 1 / 0'); // fails: the whole transaction rolls back
      }),
    ).rejects.toThrow(/division by zero/);
    // A write statement that fails on its own (here the content CHECK, which the API refuses
    // earlier with a 400) is its own transaction: it publishes nothing either.
    const invalid = insertMessageStatement(ownerId, id, { content: '' });
    await expect(dataSource.query(invalid.sql, invalid.parameters)).rejects.toThrow(
      /CHK_messages_content/,
    );
    const [state] = await dataSource.query<Array<{ title: string; messages: string }>>(
      `SELECT title, (SELECT count(*) FROM messages WHERE session_id = $1) AS messages
       FROM sessions WHERE id = $1`,
      [id],
    );
    expect(state).toEqual({ title: 'e', messages: '0' });
    await dataSource.transaction((manager) => manager.query(update.sql, update.parameters));

    await request(server).delete(`/api/sessions/${id}`).expect(204);
    const seen = await eventsUntil(3);
    expect(seen).toEqual([
      { type: 'session.created', sessionId: id, ownerId, version: 1 },
      { type: 'session.updated', sessionId: id, ownerId, version: 2 },
      { type: 'session.deleted', sessionId: id, ownerId, version: 2 },
    ]);
  });
});

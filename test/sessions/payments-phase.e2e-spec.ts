import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { ENVELOPE } from '../support/error-envelope';
import { createSessionsTestApp } from './sessions-test-app';

async function moveTo(server: App, id: string, ...phases: string[]): Promise<void> {
  for (const phase of phases) {
    await request(server).post(`/api/sessions/${id}/phase`).send({ phase }).expect(200);
  }
}

async function renderedSession(server: App): Promise<string> {
  const created = await request(server).post('/api/sessions').send({ title: 'Loft' }).expect(201);
  const id = (created.body as { id: string }).id;
  await moveTo(server, id, 'CHECKLIST', 'PLAN', 'RENDER');
  return id;
}

describe('POST /api/sessions/:id/phase without PAYMENTS_ENABLED (the default)', () => {
  let app: INestApplication;
  let server: App;

  beforeAll(async () => {
    ({ app, server } = await createSessionsTestApp());
  });

  afterAll(async () => {
    await app.close();
  });

  it('should go from RENDER to COMPLETE', async () => {
    const id = await renderedSession(server);
    const response = await request(server)
      .post(`/api/sessions/${id}/phase`)
      .send({ phase: 'COMPLETE' })
      .expect(200);
    expect(response.body).toMatchObject({ phase: 'COMPLETE' });
  });

  it('should answer 409 PAYMENTS_DISABLED to a move to PAYMENT, and leave the session as it was', async () => {
    const id = await renderedSession(server);
    const response = await request(server)
      .post(`/api/sessions/${id}/phase`)
      .send({ phase: 'PAYMENT' })
      .expect(409);
    expect(response.body).toEqual({
      ...ENVELOPE,
      statusCode: 409,
      code: 'PAYMENTS_DISABLED',
      error: expect.stringMatching(/Payments are disabled/) as string,
      details: [
        {
          currentPhase: 'RENDER',
          requestedPhase: 'PAYMENT',
          allowedNextPhases: ['COMPLETE', 'PLAN'],
        },
      ],
    });
    const after = await request(server).get(`/api/sessions/${id}`).expect(200);
    expect(after.body).toMatchObject({ phase: 'RENDER', version: 4 });
  });

  it('should still answer 404 for a missing session rather than tell about payments', async () => {
    await request(server)
      .post('/api/sessions/00000000-0000-4000-8000-00000000dead/phase')
      .send({ phase: 'PAYMENT' })
      .expect(404);
  });

  it('should report payments off among the health features, on the status page and in readiness', async () => {
    const status = await request(server).get('/health/status').expect(200);
    expect(status.body.features).toMatchObject({ payments: false, auth: false });
    const ready = await request(server).get('/health/ready').expect(200);
    expect(ready.body.info.features).toEqual({ status: 'up', payments: false, auth: false });
  });
});

describe('POST /api/sessions/:id/phase with PAYMENTS_ENABLED', () => {
  let app: INestApplication;
  let server: App;

  beforeAll(async () => {
    ({ app, server } = await createSessionsTestApp({ env: { PAYMENTS_ENABLED: 'true' } }));
  });

  afterAll(async () => {
    await app.close();
  });

  it('should go RENDER → PAYMENT → COMPLETE, and not skip PAYMENT', async () => {
    const id = await renderedSession(server);
    const skip = await request(server)
      .post(`/api/sessions/${id}/phase`)
      .send({ phase: 'COMPLETE' })
      .expect(409);
    expect(skip.body).toMatchObject({
      code: 'ILLEGAL_PHASE_TRANSITION',
      details: [{ allowedNextPhases: ['PAYMENT', 'PLAN'] }],
    });
    await moveTo(server, id, 'PAYMENT', 'COMPLETE');
  });

  it('should report payments on among the health features, on the status page and in readiness', async () => {
    const status = await request(server).get('/health/status').expect(200);
    expect(status.body.features).toMatchObject({ payments: true });
    const ready = await request(server).get('/health/ready').expect(200);
    expect(ready.body.info.features).toMatchObject({ status: 'up', payments: true });
  });
});

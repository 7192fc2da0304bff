import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { MAX_JSON_DEPTH } from '../src/common/http/json-depth';
import { ENVELOPE } from './support/error-envelope';
import WebSocket from 'ws';
import { LiveSocket } from './support/live-clients';
import { baseUrl, createTestApp } from './support/test-app';

/** `depth` arrays inside one another as JSON text: `[[[…]]]`. */
const nestedArraysJson = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

/**
 * Emits one event with an ack as raw socket.io frames over a plain WebSocket (engine.io v4):
 * socket.io-client's encoder walks the payload recursively itself (hasBinary) and cannot send a
 * payload this deep, which a hostile client simply writes by hand.
 */
async function emitRaw(base: string, event: string, payloadJson: string): Promise<unknown> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  try {
    return await new Promise((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (data: Buffer) => {
        const frame = data.toString();
        if (frame.startsWith('0')) {
          ws.send('40'); // engine.io open: connect to the main namespace
        } else if (frame.startsWith('40')) {
          ws.send(`421["${event}",${payloadJson}]`); // an event with ack id 1
        } else if (frame.startsWith('2')) {
          ws.send('3'); // ping, pong
        } else if (frame.startsWith('431')) {
          resolve((JSON.parse(frame.slice(3)) as unknown[])[0]);
        }
      });
    });
  } finally {
    ws.close();
  }
}

/**
 * Bodies and socket.io payloads nested deep enough to overflow the recursive validation stack
 * (class-transformer, class-validator) are refused with a 400 before validation sees them.
 */
describe('JSON nesting depth (e2e)', () => {
  const owner = randomUUID();
  let app: INestApplication;
  let server: App;
  const open: LiveSocket[] = [];

  beforeAll(async () => {
    app = await createTestApp({ listen: true, ownerOf: () => owner });
    server = app.getHttpServer() as App;
  });

  afterEach(() => {
    open.splice(0).forEach((client) => client.close());
  });

  afterAll(async () => {
    await app.close();
  });

  const createSession = async (): Promise<string> =>
    (
      (await request(server).post('/api/sessions').send({ title: 'Attic' }).expect(201)).body as {
        id: string;
      }
    ).id;

  describe('POST /api/sessions', () => {
    it('should answer a body nested 8,000 levels deep with 400 JSON_TOO_DEEP', async () => {
      const body = `{"title":"Attic","notes":${nestedArraysJson(8000)}}`;
      const response = await request(server)
        .post('/api/sessions')
        .set('Content-Type', 'application/json')
        .send(body)
        .expect(400);
      expect(response.body).toEqual({ ...ENVELOPE, statusCode: 400, code: 'JSON_TOO_DEEP' });
    });

    it('should refuse one level past the cap, and validate one level within it as usual', async () => {
      const post = (depth: number) =>
        request(server)
          .post('/api/sessions')
          .set('Content-Type', 'application/json')
          .send(`{"title":"Attic","notes":${nestedArraysJson(depth - 1)}}`);
      expect((await post(MAX_JSON_DEPTH + 1).expect(400)).body.code).toBe('JSON_TOO_DEEP');
      // Within the cap the unknown field reaches validation, which names it.
      expect((await post(MAX_JSON_DEPTH).expect(400)).body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('socket.io message:create', () => {
    it('should ack a payload nested 8,000 levels deep with 400 JSON_TOO_DEEP, and keep serving', async () => {
      const sessionId = await createSession();
      const ack = await emitRaw(
        baseUrl(app),
        'message:create',
        `{"sessionId":"${sessionId}","content":${nestedArraysJson(8000)}}`,
      );

      expect(ack).toEqual({ ...ENVELOPE, statusCode: 400, code: 'JSON_TOO_DEEP' });
      const client = await LiveSocket.connect(baseUrl(app));
      open.push(client);
      const created = await client.request<{ message: { content: string } }>('message:create', {
        sessionId,
        content: 'still here',
      });
      expect(created.message.content).toBe('still here');
    });
  });
});

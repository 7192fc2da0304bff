import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { LiveSocket } from './support/live-clients';
import { baseUrl, createTestApp } from './support/test-app';

const PER_CALLER = 2;

/**
 * While authentication is off every caller is the one local owner: a per-principal cap would be
 * one cap for everybody. The caps then count per client address (the address express trusts,
 * here through X-Forwarded-For from loopback), like the write rate limit.
 */
describe('gateway connection caps while authentication is off (e2e)', () => {
  let app: INestApplication;
  let base: string;
  let sessionId: string;
  const open: Array<{ close(): void }> = [];

  beforeAll(async () => {
    app = await createTestApp({
      listen: true,
      env: {
        TRUST_PROXY: 'loopback',
        SSE_MAX_PER_PRINCIPAL: String(PER_CALLER),
        SOCKET_IO_MAX_PER_PRINCIPAL: String(PER_CALLER),
      },
    });
    base = baseUrl(app);
    const created = await request(app.getHttpServer() as App)
      .post('/api/sessions')
      .send({ title: 'Shared' })
      .expect(201);
    sessionId = (created.body as { id: string }).id;
  });

  afterEach(() => {
    open.splice(0).forEach((client) => client.close());
  });

  afterAll(async () => {
    await app.close();
  });

  async function streamStatus(address: string): Promise<number> {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/sessions/${sessionId}/events`, {
      headers: { 'X-Forwarded-For': address },
      signal: controller.signal,
    });
    open.push({ close: () => controller.abort() });
    return response.status;
  }

  async function socketFrom(address: string): Promise<LiveSocket> {
    const client = await LiveSocket.connect(base, { 'X-Forwarded-For': address });
    open.push(client);
    return client;
  }

  it('should cap SSE streams per client address, each address on its own', async () => {
    const first = [await streamStatus('203.0.113.1'), await streamStatus('203.0.113.1')];
    expect(first).toEqual([200, 200]);
    expect(await streamStatus('203.0.113.1')).toBe(503);
    expect(await streamStatus('203.0.113.2')).toBe(200);
  });

  it('should cap socket.io connections per client address, each address on its own', async () => {
    await socketFrom('198.51.100.1');
    await socketFrom('198.51.100.1');
    await expect(socketFrom('198.51.100.1')).rejects.toMatchObject({
      data: expect.objectContaining({ code: 'TOO_MANY_LIVE_CONNECTIONS' }) as unknown,
    });
    const other = await socketFrom('198.51.100.2');
    expect(other.socket.connected).toBe(true);
  });
});

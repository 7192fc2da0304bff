import type { INestApplication } from '@nestjs/common';
import { Agent, request as httpRequest } from 'node:http';
import { InFlightRequests } from '../src/lifecycle/in-flight-requests';
import { LifecycleState } from '../src/lifecycle/lifecycle-state';
import { ShutdownSequence } from '../src/lifecycle/shutdown-sequence';
import { KeepAliveLoad } from './support/keep-alive-load';
import { eventually, LiveEventSource } from './support/live-clients';
import { baseUrl, createTestApp } from './support/test-app';

/**
 * The in-process complement of test/process/shutdown-*.process-spec.ts: app.close() takes the same
 * sequence as a signal (ShutdownSequence's hooks), without the process exit.
 */
const portOf = (app: INestApplication): number => Number(new URL(baseUrl(app)).port);

function get(
  agent: Agent,
  port: number,
  path: string,
): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describe('in-flight requests', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp({ listen: true });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should count a request from its first byte and release it when the client aborts', async () => {
    const inFlight = app.get(InFlightRequests);
    const req = httpRequest({
      host: '127.0.0.1',
      port: portOf(app),
      method: 'POST',
      path: '/api/sessions',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': 100 },
    });
    req.on('error', () => undefined);
    req.write('{"title":');
    await eventually(() => inFlight.count === 1, 'one request in flight', 3000);
    expect(inFlight.list()[0]).toMatchObject({ method: 'POST', url: '/api/sessions' });

    // The response never finishes ('finish' never fires); 'close' releases it.
    req.destroy();
    await eventually(() => inFlight.count === 0, 'no request in flight', 3000);
  });
});

describe('app.close()', () => {
  it('should drain (ready 503, live 200, Connection: close, the request in flight answered) and then run the steps in order', async () => {
    const app = await createTestApp({ listen: true, env: { SHUTDOWN_DRAIN_DELAY_MS: '400' } });
    const port = portOf(app);
    const agent = new Agent({ keepAlive: true });
    expect(await get(agent, port, '/health/live')).toEqual({
      status: 200,
      connection: 'keep-alive',
    });

    // A request mid-flight when the drain starts; it writes to the database after it.
    const slow = KeepAliveLoad.start({
      port,
      connections: 1,
      trickleMs: 300,
      next: () => ({ method: 'POST', path: '/api/sessions', body: { title: 'in flight' } }),
    });
    await eventually(() => app.get(InFlightRequests).count === 1, 'one request in flight', 3000);
    const closing = app.close();

    await eventually(() => app.get(LifecycleState).isShuttingDown, 'the shutdown to start', 3000);
    expect(await get(agent, port, '/health/ready')).toMatchObject({
      status: 503,
      connection: 'close',
    });
    expect(await get(agent, port, '/health/live')).toEqual({ status: 200, connection: 'close' });
    await closing;
    await slow.finished();
    agent.destroy();

    expect(slow.records[0]).toMatchObject({
      outcome: 'response',
      status: 201,
      connection: 'close',
    });
    expect(app.get(LifecycleState).phase).toBe('STOPPED');
    expect(app.get(ShutdownSequence).exitCode).toBe(0);
    expect(app.get(ShutdownSequence).result).toMatchObject({
      signal: 'app.close()',
      requestsCut: 0,
      steps: [
        { name: 'stop LISTEN', ok: true },
        { name: 'close database pool', ok: true },
        { name: 'flush logs', ok: true },
      ],
    });
  });
});

describe('live events during the drain delay', () => {
  it('should keep delivering live events to an open SSE stream until it is told to go', async () => {
    const app = await createTestApp({ listen: true, env: { SHUTDOWN_DRAIN_DELAY_MS: '1500' } });
    const base = baseUrl(app);
    const created = await fetch(`${base}/api/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Drain-time bathroom' }),
    });
    const { id: sessionId } = (await created.json()) as { id: string };
    const stream = new LiveEventSource(`${base}/api/sessions/${sessionId}/events`);
    await stream.waitFor('snapshot');

    app.get(ShutdownSequence).begin('test');
    const closing = app.close();
    try {
      await eventually(() => app.get(LifecycleState).isShuttingDown, 'the shutdown to start', 3000);
      const posted = await fetch(`${base}/api/sessions/${sessionId}/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ content: 'posted while draining' }),
      });
      expect(posted.status).toBe(201);
      const message = (await posted.json()) as { seq: number };

      await stream.waitFor<{ seq: number }>('message.created', (data) => data.seq === message.seq);
      await stream.waitFor('shutdown');
      const order = stream.received.map((entry) => entry.event);
      expect(order.indexOf('message.created')).toBeLessThan(order.indexOf('shutdown'));
    } finally {
      stream.close();
      await closing;
    }
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication } from '@nestjs/common';
import { type ClientRequest, get } from 'node:http';
import { Registry, register as globalRegistry } from 'prom-client';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { packageVersion } from '../src/config/load-env';
import { READINESS_CACHE_TTL_MS } from '../src/health/readiness/database.health';
import { LifecycleState } from '../src/lifecycle/lifecycle-state';
import { parsePrometheusText, type Sample } from './support/prometheus-text';
import { baseUrl, createTestApp } from './support/test-app';
import { ENVELOPE } from './support/error-envelope';

const HEALTH_TOKEN = 'health-token-for-the-e2e-suite';
const AUTH = `Bearer ${HEALTH_TOKEN}`;

/** Opens a streaming GET and resolves once the response headers arrived (the stream is open). */
function openStream(target: string): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = get(target, { headers: { Accept: 'text/event-stream' } }, (res) => {
      res.on('error', () => undefined);
      if (res.statusCode === 200) {
        resolve(req);
      } else {
        reject(new Error(`stream answered ${res.statusCode}`));
      }
    });
    req.on('error', () => undefined);
  });
}

describe('health and metrics (e2e)', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    app = await createTestApp({ env: { HEALTH_TOKEN }, listen: true });
    url = baseUrl(app);
  });

  afterAll(async () => {
    await app.close();
  });

  describe('GET /health', () => {
    it('should name status, time, environment and the package version', async () => {
      const response = await request(url).get('/health').expect(200);

      expect(response.body).toEqual({
        status: 'ok',
        timestamp: expect.any(String) as string,
        environment: 'test',
        version: packageVersion(),
      });
    });
  });

  describe('GET /health/live', () => {
    it('should answer 200 without a token', async () => {
      await request(url).get('/health/live').expect(200);
    });
  });

  describe('GET /health/ready', () => {
    it('should answer 200 with every check up, without a token and uncacheable', async () => {
      const response = await request(url).get('/health/ready').expect(200);

      expect(response.body).toMatchObject({
        status: 'ok',
        info: {
          lifecycle: { status: 'up', phase: 'READY' },
          database: { status: 'up', latencyMs: expect.any(Number) as number },
          listener: { status: 'up' },
          features: { status: 'up', auth: false, payments: false },
        },
      });
      expect(response.headers['cache-control']).toMatch(/no-cache/);
    });

    it('should ping the database at most about once for a burst of probes', async () => {
      const query = jest.spyOn(app.get(DataSource), 'query');
      await sleep(READINESS_CACHE_TTL_MS + 100); // let the cached answer of earlier tests expire
      try {
        const answers = await Promise.all(
          Array.from({ length: 25 }, () => request(url).get('/health/ready')),
        );

        expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
        const pings = query.mock.calls.filter(([sql]) => sql === 'SELECT 1').length;
        expect(pings).toBeGreaterThanOrEqual(1);
        // 1 unless the burst straddled a cache expiry on a very slow machine.
        expect(pings).toBeLessThanOrEqual(2);
      } finally {
        query.mockRestore();
      }
    });
  });

  describe('GET /health/status', () => {
    it('should refuse a request without the token with 401 in the envelope', async () => {
      const response = await request(url).get('/health/status').expect(401);

      expect(response.body).toEqual({ ...ENVELOPE, statusCode: 401, code: 'UNAUTHORIZED' });
      expect(response.headers['www-authenticate']).toBe('Bearer realm="health"');
    });

    it('should refuse a wrong token', async () => {
      await request(url).get('/health/status').set('Authorization', `${AUTH}x`).expect(401);
    });

    it('should describe the process with the token', async () => {
      const response = await request(url).get('/health/status').set('Authorization', AUTH);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        lifecycle: 'READY',
        uptimeSeconds: expect.any(Number) as number,
        version: packageVersion(),
        nodeVersion: process.version,
        environment: 'test',
        database: { listening: true },
        features: { docs: true, healthToken: true, migrationsRun: true },
      });
      const { memoryMb, database, requests, connections } = response.body;
      for (const key of ['heapUsed', 'heapTotal', 'rss']) {
        expect(memoryMb[key]).toBeGreaterThan(0);
      }
      expect(database.pool).toEqual({
        total: expect.any(Number) as number,
        idle: expect.any(Number) as number,
        waiting: 0,
        max: 10,
      });
      expect(database.pool.total).toBeGreaterThanOrEqual(1);
      // This very request is in flight while the status is taken.
      expect(requests.inFlight).toBeGreaterThanOrEqual(1);
      expect(requests.completed).toBeGreaterThanOrEqual(1);
      expect(Object.values(connections).every((count) => typeof count === 'number')).toBe(true);
    });
  });

  describe('GET /metrics', () => {
    async function scrape(): Promise<Sample[]> {
      const response = await request(url).get('/metrics').set('Authorization', AUTH).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain;/);
      expect(response.headers['content-type']).toMatch(/version=0\.0\.4/);
      return parsePrometheusText(response.text);
    }

    it('should refuse a scrape without the token', async () => {
      const response = await request(url).get('/metrics').expect(401);

      expect(response.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    });

    it('should export default, HTTP, lifecycle, pool, listener and connection metrics', async () => {
      const samples = await scrape();
      const names = new Set(samples.map((sample) => sample.name));

      expect([...names]).toEqual(
        expect.arrayContaining([
          'process_cpu_user_seconds_total',
          'process_resident_memory_bytes',
          'nodejs_eventloop_lag_seconds',
          'nodejs_heap_size_used_bytes',
          'http_requests_in_flight',
          'lifecycle_phase',
          'db_pool_connections',
          'db_pool_idle_connections',
          'db_pool_waiting_queries',
          'db_pool_max_connections',
          'db_listener_up',
          'app_info',
        ]),
      );
      const value = (name: string, labels: Record<string, string> = {}): number | undefined =>
        samples.find(
          (sample) =>
            sample.name === name &&
            Object.entries(labels).every(([key, label]) => sample.labels[key] === label),
        )?.value;
      expect(value('lifecycle_phase', { phase: 'READY' })).toBe(1);
      expect(value('lifecycle_phase', { phase: 'DRAINING' })).toBe(0);
      expect(value('db_listener_up')).toBe(1);
      expect(value('db_pool_max_connections')).toBe(10);
      expect(value('http_requests_in_flight')).toBeGreaterThanOrEqual(1);
      expect(value('app_info', { version: packageVersion(), environment: 'test' })).toBe(1);
    });

    it('should label request durations by route template, never by raw URL', async () => {
      await request(url).get('/health/live').expect(200);
      await request(url).get('/api/no-such-route/8d1f0c2e').expect(404);

      const samples = await scrape();
      const counts = samples.filter(
        (sample) => sample.name === 'http_request_duration_seconds_count',
      );

      expect(counts).toEqual(
        expect.arrayContaining([
          {
            name: 'http_request_duration_seconds_count',
            labels: { method: 'GET', route: '/health/live', status_code: '200' },
            value: expect.any(Number) as number,
          },
          {
            name: 'http_request_duration_seconds_count',
            labels: { method: 'GET', route: 'unmatched', status_code: '404' },
            value: expect.any(Number) as number,
          },
        ]),
      );
      expect(JSON.stringify(counts)).not.toContain('no-such-route');
    });

    it('should count an open SSE stream in /metrics and /health/status', async () => {
      const session = await request(url)
        .post('/api/sessions')
        .send({ title: 'metrics' })
        .expect(201);
      const stream = await openStream(`${url}/api/sessions/${session.body.id as string}/events`);
      try {
        const samples = await scrape();
        const status = await request(url).get('/health/status').set('Authorization', AUTH);

        expect(
          samples.find(
            (sample) => sample.name === 'long_lived_connections' && sample.labels.kind === 'sse',
          )?.value,
        ).toBe(1);
        expect(status.body.connections).toEqual({ sse: 1, 'socket.io': 0 });
      } finally {
        stream.destroy();
      }
    });

    it('should carry the metrics other modules register in the same registry', async () => {
      const response = await request(url).get('/metrics').set('Authorization', AUTH).expect(200);

      expect(response.text).toContain('# TYPE shutdown_phase_duration_seconds gauge');
    });

    it('should use a registry of its own, not prom-client global one', () => {
      expect(app.get(Registry)).not.toBe(globalRegistry);
      expect(globalRegistry.getSingleMetric('http_request_duration_seconds')).toBeUndefined();
    });
  });
});

describe('readiness across the lifecycle (e2e)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp({ ready: false });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should answer 503 while starting, 200 when ready and 503 while draining; live stays 200', async () => {
    const server = app.getHttpServer();
    const state = app.get(LifecycleState);

    const starting = await request(server).get('/health/ready').expect(503);
    expect(starting.body).toMatchObject({ ...ENVELOPE, statusCode: 503, code: 'NOT_READY' });
    expect(starting.body.error).toBe('Not ready: lifecycle');
    expect(starting.body.details).toEqual(
      expect.arrayContaining([
        { check: 'lifecycle', status: 'down', phase: 'STARTING' },
        expect.objectContaining({ check: 'database', status: 'up' }),
      ]),
    );
    await request(server).get('/health/live').expect(200);
    expect((await request(server).get('/health').expect(200)).body.status).toBe('starting');

    state.markReady();
    await request(server).get('/health/ready').expect(200);

    state.markDraining();
    const draining = await request(server).get('/health/ready').expect(503);
    expect(draining.body.details).toEqual(
      expect.arrayContaining([{ check: 'lifecycle', status: 'down', phase: 'DRAINING' }]),
    );
    await request(server).get('/health/live').expect(200);
    expect((await request(server).get('/health').expect(200)).body.status).toBe('draining');
  });

  it('should serve /health/status and /metrics without a token when HEALTH_TOKEN is unset', async () => {
    const server = app.getHttpServer();

    const status = await request(server).get('/health/status').expect(200);
    expect(status.body.features.healthToken).toBe(false);
    await request(server).get('/metrics').expect(200);
  });
});

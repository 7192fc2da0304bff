import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { READINESS_CACHE_TTL_MS } from '../src/health/readiness/database.health';
import {
  clusterPids,
  type EmbeddedCluster,
  startEmbeddedCluster,
} from './support/embedded-cluster';
import { freePort } from './support/ports';
import { baseUrl, createTestApp } from './support/test-app';

/** Exists only in this suite: an API route that needs the database, whatever other modules do. */
@Controller('outage-probe')
class OutageProbeController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  async count(): Promise<{ migrations: number }> {
    const rows: Array<{ count: string }> = await this.dataSource.query(
      'SELECT count(*) AS count FROM migrations',
    );
    return { migrations: Number(rows[0]?.count ?? 0) };
  }
}

@Module({ controllers: [OutageProbeController] })
class OutageProbeModule {}

/** Generous bounds that only catch a hang; none of these is a speed target. */
const HANG_MS = 10_000;
/** The LISTEN connection reconnects with capped exponential backoff (at most 10 s apart). */
const RECOVERY_MS = 40_000;

/** Probes like a kubelet until `done` holds or `withinMs` has passed; returns the last answer. */
async function probeUntil(
  url: string,
  done: (response: request.Response) => boolean,
  withinMs: number,
): Promise<request.Response> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const response = await request(url).get('/health/ready').timeout(HANG_MS);
    if (done(response) || Date.now() > deadline) {
      return response;
    }
    await sleep(250);
  }
}

/**
 * A real outage: the app runs on an embedded Postgres of its own (in a child process, see
 * embedded-cluster.ts), which the suite stops and starts again under it. Nothing is mocked; the
 * errors are the ones pg and TypeORM really raise.
 */
describe('a database outage under a running app (e2e)', () => {
  const dataDir = `.data/health-outage-${process.pid}`;
  let port: number;
  let database: EmbeddedCluster | undefined;
  let app: INestApplication;
  let url: string;

  const startDatabase = (): Promise<EmbeddedCluster> =>
    startEmbeddedCluster({ dataDir, port, database: 'outage' });

  beforeAll(async () => {
    port = await freePort();
    database = await startDatabase();
    app = await createTestApp({
      // Short, so that the frozen-server test below sees the client give up quickly.
      env: { DATABASE_URL: database.url, DB_STATEMENT_TIMEOUT_MS: '1500' },
      imports: [OutageProbeModule],
      listen: true,
    });
    url = baseUrl(app);
    await request(url).get('/health/ready').expect(200);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  describe('while Postgres is frozen (SIGSTOP: connections open, no answers)', () => {
    let frozen: number[] = [];

    beforeAll(() => {
      frozen = clusterPids(dataDir);
      frozen.forEach((pid) => process.kill(pid, 'SIGSTOP'));
    });

    afterAll(async () => {
      frozen.forEach((pid) => process.kill(pid, 'SIGCONT'));
      await probeUntil(url, (answer) => answer.status === 200, RECOVERY_MS);
    }, RECOVERY_MS + HANG_MS);

    it('should answer /health/ready 503 at the ping deadline, naming the database', async () => {
      const response = await probeUntil(
        url,
        (answer) => answer.status === 503 && /database/.test(String(answer.body.error)),
        HANG_MS,
      );

      expect(response.status).toBe(503);
      expect(response.body.details).toEqual(
        expect.arrayContaining([
          { check: 'database', status: 'down', message: 'no answer within 1500 ms' },
        ]),
      );
    });

    it('should answer an API route 503 once the client-side query timeout passes, not hang', async () => {
      const response = await request(url).get('/api/outage-probe').timeout(HANG_MS);

      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ success: false, code: 'DATABASE_UNAVAILABLE' });
    });

    it('should not send a ping per probe while one hangs', async () => {
      const answers: request.Response[] = [];
      for (let round = 0; round < 2; round += 1) {
        // Past the cached verdict each time, so every round asks for a fresh ping.
        await sleep(READINESS_CACHE_TTL_MS + 100);
        answers.push(
          ...(await Promise.all(
            Array.from({ length: 10 }, () => request(url).get('/health/ready').timeout(HANG_MS)),
          )),
        );
      }
      const status = await request(url).get('/health/status').timeout(HANG_MS).expect(200);

      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 503));
      // Several cache expiries against a frozen server: one hung ping holds one connection.
      const { total, idle, waiting } = status.body.database.pool;
      expect(total - idle).toBeLessThanOrEqual(1);
      expect(waiting).toBe(0);
    });
  });

  describe('while Postgres is down', () => {
    beforeAll(async () => {
      await database?.stop();
      database = undefined;
    }, 30_000);

    it('should answer /health/ready 503 naming the database', async () => {
      // The LISTEN connection notices at once; the database check within the cache's second.
      const response = await probeUntil(
        url,
        (answer) => answer.status === 503 && /database/.test(String(answer.body.error)),
        HANG_MS,
      );

      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ statusCode: 503, code: 'NOT_READY' });
      expect(response.body.error).toMatch(/^Not ready: .*database/);
      expect(response.body.details).toEqual(
        expect.arrayContaining([
          {
            check: 'database',
            status: 'down',
            message: expect.stringMatching(/refused|terminat|no answer/) as string,
          },
        ]),
      );
    });

    it('should keep /health/live at 200', async () => {
      await request(url).get('/health/live').timeout(HANG_MS).expect(200);
    });

    it('should answer an API route that queries the database with 503 in the envelope', async () => {
      const response = await request(url).get('/api/outage-probe').timeout(HANG_MS);

      expect(response.status).toBe(503);
      expect(response.body).toEqual({
        success: false,
        statusCode: 503,
        error: 'Database unavailable',
        code: 'DATABASE_UNAVAILABLE',
        requestId: expect.any(String) as string,
      });
    });

    it('should answer GET /api/sessions with 503 in the envelope', async () => {
      const response = await request(url).get('/api/sessions').timeout(HANG_MS);

      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ statusCode: 503, code: 'DATABASE_UNAVAILABLE' });
    });

    it('should still serve /health/status with the listener down', async () => {
      const response = await request(url).get('/health/status').timeout(HANG_MS).expect(200);

      expect(response.body.database.listening).toBe(false);
    });
  });

  describe('once Postgres is back', () => {
    beforeAll(async () => {
      database = await startDatabase();
    }, 30_000);

    it(
      'should turn /health/ready 200 again without a restart',
      async () => {
        const response = await probeUntil(url, (answer) => answer.status === 200, RECOVERY_MS);

        expect(response.status).toBe(200);
        expect(response.body.info).toMatchObject({
          database: { status: 'up' },
          listener: { status: 'up' },
        });
      },
      RECOVERY_MS + HANG_MS,
    );

    it('should serve API routes that query the database again', async () => {
      await request(url).get('/api/outage-probe').timeout(HANG_MS).expect(200);
      await request(url).get('/api/sessions').timeout(HANG_MS).expect(200);
    });
  });
});

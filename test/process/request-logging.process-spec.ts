import { setTimeout as sleep } from 'node:timers/promises';
import { type LogLine, type ServerProcess, stopStartedServers } from '../support/server-process';
import { startTestServer } from '../support/test-app';

const SECRET = 'Bearer super-secret-token-value';

describe('request logging (process, JSON as in production)', () => {
  let server: ServerProcess;
  let base: string;

  beforeAll(async () => {
    ({ server, url: base } = await startTestServer({ LOG_LEVEL: 'debug' }));
  });

  afterAll(stopStartedServers);

  const requestLine = (id: string): Promise<LogLine> =>
    server.waitFor((line) => (line.req as { id?: unknown } | undefined)?.id === id, 5000);

  it('should log a request once when it completes: id, method, route, status, duration', async () => {
    const response = await fetch(`${base}/api/sessions/not-a-uuid`, {
      headers: {
        'X-Request-Id': 'log-probe-1',
        Authorization: SECRET,
        Cookie: 'sid=secret-cookie',
      },
    });
    expect(response.status).toBe(400);

    const line = await requestLine('log-probe-1');
    expect(line).toMatchObject({
      level: 40, // 4xx at warn
      req: { id: 'log-probe-1', method: 'GET', url: '/api/sessions/not-a-uuid' },
      route: '/api/sessions/:id',
      res: { statusCode: 400 },
      responseTime: expect.any(Number) as number,
    });
    await sleep(200);
    expect(
      server.lines.filter(
        (candidate) => (candidate.req as { id?: unknown } | undefined)?.id === 'log-probe-1',
      ),
    ).toHaveLength(1);
  });

  it('should never write authorization or cookie values to the log', () => {
    const output = server.rawOutput.join('\n');
    expect(output).not.toContain('super-secret-token-value');
    expect(output).not.toContain('secret-cookie');
  });

  it('should log 2xx at info and probes at debug only', async () => {
    await fetch(`${base}/api/sessions`, { headers: { 'X-Request-Id': 'log-probe-2' } });
    await fetch(`${base}/health/live`, { headers: { 'X-Request-Id': 'log-probe-3' } });

    expect((await requestLine('log-probe-2')).level).toBe(30);
    expect((await requestLine('log-probe-3')).level).toBe(20);
  });

  it('should not start an embedded database when DATABASE_URL is set', () => {
    expect(server.lines.some((line) => /embedded Postgres started/.test(String(line.msg)))).toBe(
      false,
    );
  });
});

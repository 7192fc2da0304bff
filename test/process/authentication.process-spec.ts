import { randomUUID } from 'node:crypto';
import { ServerProcess, stopStartedServers } from '../support/server-process';
import { startTestServer, testDatabaseUrl } from '../support/test-app';
import { AUTH_ON, hs256Token } from '../support/tokens';

const FATAL = 60;
const WARN = 40;

/** What production needs besides authentication, so that only authentication decides. */
const PRODUCTION = (): Record<string, string> => ({
  NODE_ENV: 'production',
  DATABASE_URL: testDatabaseUrl(),
  DB_MIGRATIONS_RUN: 'true',
  AGENT_PROVIDER: 'offline',
  HEALTH_TOKEN: 'a-long-enough-health-token',
  PORT: '0',
});

describe('authentication settings at startup (process)', () => {
  afterEach(stopStartedServers);

  it('should exit 1 with one fatal line when production has no secret and no JWKS URL', async () => {
    const server = ServerProcess.start(PRODUCTION());
    const { code } = await server.exited;

    expect(code).toBe(1);
    const fatal = server.lines.filter((line) => line.level === FATAL);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]?.msg).toMatch(
      /AUTH_JWT_SECRET or AUTH_JWKS_URL: one is required when NODE_ENV=production/,
    );
    expect(server.rawOutput.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('should start production with AUTH_ENABLED=false, warning that nothing is authenticated', async () => {
    const server = ServerProcess.start({ ...PRODUCTION(), AUTH_ENABLED: 'false' });
    await server.started();

    const warning = server.lines.find(
      (line) => line.level === WARN && /AUTH_ENABLED=false in production/.test(String(line.msg)),
    );
    expect(warning?.msg).toMatch(/every caller acts as LOCAL_OWNER_ID/);
    expect(server.lines.findIndex((line) => line === warning)).toBeLessThan(
      server.lines.findIndex((line) => line.msg === 'started'),
    );
  });
});

describe('the access_token query parameter in the logs (process)', () => {
  afterAll(stopStartedServers);

  it('should never write the token to stdout, whatever the answer', async () => {
    const { server, url } = await startTestServer({ ...AUTH_ON, LOG_LEVEL: 'debug' });
    const subject = `log-user-${randomUUID()}`;
    const token = await hs256Token({ subject });
    const expired = await hs256Token({ subject, expiresIn: -120 });
    const created = await fetch(`${url}/api/sessions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Logged' }),
    });
    const { id } = (await created.json()) as { id: string };

    // A stream answered 200 (logged when it ends), a 401, a 404 and a route that does not exist.
    const abort = new AbortController();
    const stream = await fetch(`${url}/api/sessions/${id}/events?access_token=${token}`, {
      headers: { 'X-Request-Id': 'sse-with-token' },
      signal: abort.signal,
    });
    expect(stream.status).toBe(200);
    await stream.body?.getReader().read();
    abort.abort();
    const answers = await Promise.all([
      fetch(`${url}/api/sessions/${id}/events?access_token=${expired}`),
      fetch(`${url}/api/sessions/${randomUUID()}/events?after=1&access_token=${token}`),
      fetch(`${url}/api/nowhere?access_token=${token}`),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([401, 404, 404]);

    const logged = await server.waitFor(
      (line) => (line.req as { id?: unknown } | undefined)?.id === 'sse-with-token',
      5000,
    );
    expect((logged.req as { url: string }).url).toBe(
      `/api/sessions/${id}/events?access_token=[redacted]`,
    );
    await server.waitFor(
      (line) => String((line.req as { url?: unknown } | undefined)?.url).startsWith('/api/nowhere'),
      5000,
    );
    const output = server.rawOutput.join('\n');
    for (const secret of [token, expired]) {
      expect(output).not.toContain(secret);
      // Nor its signature alone, which is what would let someone replay it.
      expect(output).not.toContain(secret.split('.')[2]);
    }
    expect(output).toContain('access_token=[redacted]');
  });
});

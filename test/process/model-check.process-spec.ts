import {
  FAKE_GEMINI_KEY,
  FAKE_GEMINI_MODEL,
  FakeGeminiServer,
} from '../support/fake-gemini-server';
import { ServerProcess, stopStartedServers } from '../support/server-process';
import { testDatabaseUrl } from '../support/test-app';
import { TEST_AUTH } from '../support/tokens';

const FATAL = 60;

/**
 * Production validates the model before taking traffic, through the real Gemini SDK against a
 * server that speaks its protocol: a bad key or an unknown model stops startup with one line
 * naming provider, model and cause; a good one passes the `model` step.
 */
describe('the model check at startup (production)', () => {
  let fake: FakeGeminiServer;

  beforeAll(async () => {
    fake = await FakeGeminiServer.start();
  });

  afterEach(stopStartedServers);

  afterAll(async () => {
    await fake.close();
  });

  function start(env: Record<string, string>): ServerProcess {
    return ServerProcess.start({
      NODE_ENV: 'production',
      DATABASE_URL: testDatabaseUrl(),
      DB_MIGRATIONS_RUN: 'true',
      HEALTH_TOKEN: 'a-long-enough-health-token',
      ...TEST_AUTH,
      PORT: '0',
      GEMINI_BASE_URL: fake.baseUrl,
      AGENT_MODEL: FAKE_GEMINI_MODEL,
      ...env,
    });
  }

  it.each([
    ['a bad key', { GEMINI_API_KEY: 'not-the-key' }, /gemini.*gemini-2\.5-flash.*invalid_key/],
    [
      'an unknown model',
      { GEMINI_API_KEY: FAKE_GEMINI_KEY, AGENT_MODEL: 'gemini-0-nonexistent' },
      /gemini.*gemini-0-nonexistent.*unknown_model/,
    ],
    ['no key at all', {}, /gemini.*gemini-2\.5-flash.*invalid_key|API key/i],
  ])('should exit 1 with one line for %s', async (_label, env, line) => {
    fake.script();
    const server = start(env);
    const { code } = await server.exited;

    expect(code).toBe(1);
    const fatal = server.lines.filter((entry) => entry.level === FATAL);
    expect(fatal).toHaveLength(1);
    expect(String(fatal[0]?.msg)).toMatch(/model check failed/);
    expect(String(fatal[0]?.msg)).toMatch(line);
    expect(server.lines.some((entry) => entry.msg === 'started')).toBe(false);
  });

  it('should pass the model step with a valid key and model, then serve', async () => {
    fake.script();
    const server = start({ GEMINI_API_KEY: FAKE_GEMINI_KEY });
    const port = await server.started();

    const started = server.lines.find((entry) => entry.msg === 'started') as
      { steps?: Array<{ step: string }> } | undefined;
    const steps = (started?.steps ?? []).map((entry) => entry.step);
    expect(steps.indexOf('model')).toBeGreaterThan(steps.indexOf('application'));
    expect(steps.indexOf('model')).toBeLessThan(steps.indexOf('listen'));
    expect(fake.requests.some((request) => request.method === 'GET')).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
  });
});

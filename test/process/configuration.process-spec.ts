import { ServerProcess, stopStartedServers } from '../support/server-process';
import { testDatabaseUrl } from '../support/test-app';

describe('startup with invalid configuration', () => {
  afterEach(stopStartedServers);

  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['PORT=abc', { PORT: 'abc' }, /PORT: PORT must be a whole number/],
    [
      'NODE_ENV=prod',
      { NODE_ENV: 'prod' },
      /NODE_ENV: .*expected one of .*production.*\(got "prod"\)/,
    ],
    [
      'a malformed DATABASE_URL',
      { DATABASE_URL: 'mysql//nope' },
      /DATABASE_URL: expected a URL like postgres:/,
    ],
    [
      'production without DATABASE_URL',
      { NODE_ENV: 'production', DATABASE_URL: '' },
      /DATABASE_URL: required when NODE_ENV=production/,
    ],
  ];

  it.each(cases)(
    'should exit 1 with one fatal line naming the variable for %s',
    async (_name, env, expected) => {
      const server = ServerProcess.start({ DATABASE_URL: testDatabaseUrl(), ...env });
      const { code } = await server.exited;

      expect(code).toBe(1);
      const fatalLines = server.lines.filter((line) => line.level === 60);
      expect(fatalLines).toHaveLength(1);
      expect(fatalLines[0]?.msg).toMatch(expected);
      expect(server.rawOutput.join('\n')).not.toMatch(/\n\s+at /);
    },
  );

  it('should list every problem at once', async () => {
    const server = ServerProcess.start({
      PORT: '-5',
      NODE_ENV: 'prod',
      DB_POOL_MAX: 'many',
      DATABASE_URL: testDatabaseUrl(),
    });
    await server.exited;

    const fatal = server.lines.find((line) => line.level === 60);
    expect(fatal?.msg).toMatch(/PORT/);
    expect(fatal?.msg).toMatch(/NODE_ENV/);
    expect(fatal?.msg).toMatch(/DB_POOL_MAX/);
  });
});

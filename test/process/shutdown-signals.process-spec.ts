import { ServerProcess, stopStartedServers } from '../support/server-process';
import { testDatabaseUrl } from '../support/test-app';

/**
 * Repeated signals. A drain delay keeps the shutdown running long
 * enough for the second signal to arrive during it.
 */
async function startServer(): Promise<ServerProcess> {
  const server = ServerProcess.start({
    DATABASE_URL: testDatabaseUrl(),
    PORT: '0',
    SHUTDOWN_DRAIN_DELAY_MS: '1500',
  });
  await server.started();
  return server;
}

const starts = (server: ServerProcess): number =>
  server.lines.filter((line) => String(line.msg).startsWith('shutdown started')).length;

describe('repeated signals', () => {
  afterEach(stopStartedServers);

  it('should run one shutdown for SIGTERM twice and exit 0', async () => {
    const server = await startServer();
    server.kill('SIGTERM');
    await server.waitFor((line) => String(line.msg).startsWith('shutdown started'));
    server.kill('SIGTERM');
    const { code, signal } = await server.exited;

    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(starts(server)).toBe(1);
    expect(server.rawOutput.join('\n')).toMatch(/SIGTERM during shutdown \(SIGTERM\): ignored/);
    expect(server.lines.filter((line) => String(line.msg) === 'shutdown complete')).toHaveLength(1);
  });

  it('should exit at once with 130 on a second SIGINT', async () => {
    const server = await startServer();
    server.kill('SIGINT');
    await server.waitFor((line) => String(line.msg).startsWith('shutdown started'));
    const secondAt = Date.now();
    server.kill('SIGINT');
    const { code } = await server.exited;

    expect(code).toBe(130);
    // Well inside the 1.5 s drain delay the first SIGINT is still waiting out.
    expect(Date.now() - secondAt).toBeLessThan(1000);
    expect(server.lines.some((line) => String(line.msg).startsWith('shutdown complete'))).toBe(
      false,
    );
  });

  it('should take the same path for SIGQUIT and exit 0', async () => {
    const server = await startServer();
    server.kill('SIGQUIT');
    const { code } = await server.exited;

    expect(code).toBe(0);
    expect(server.lines.find((line) => String(line.msg) === 'shutdown complete')).toMatchObject({
      signal: 'SIGQUIT',
      requestsCut: 0,
    });
  });
});

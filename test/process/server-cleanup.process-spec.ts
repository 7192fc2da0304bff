import { stopStartedServers } from '../support/server-process';
import { startTestServer } from '../support/test-app';

/** The kill guard every process spec relies on to leave no server behind when a test fails. */
describe('stopStartedServers (process)', () => {
  afterAll(stopStartedServers);

  it('should stop a server a test left running, with SIGTERM when it exits in time', async () => {
    const { server } = await startTestServer();

    await stopStartedServers();

    expect(await server.exited).toEqual({ code: 0, signal: null });
  });

  it('should SIGKILL a server still running after the grace period, and return soon after', async () => {
    // A drain delay far beyond the guard's 5 s grace keeps the server in its shutdown.
    const { server } = await startTestServer({
      SHUTDOWN_DRAIN_DELAY_MS: '20000',
      SHUTDOWN_TIMEOUT_MS: '60000',
    });
    const stoppingAt = Date.now();

    await stopStartedServers();

    expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(Date.now() - stoppingAt).toBeGreaterThanOrEqual(5000);
    expect(Date.now() - stoppingAt).toBeLessThan(10_000);
  }, 30_000);
});

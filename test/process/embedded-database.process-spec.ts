import { existsSync, readFileSync } from 'node:fs';
import { ServerProcess, stopStartedServers } from '../support/server-process';

const EMBEDDED = {
  EMBEDDED_PG_DATA_DIR: '.data/embedded-spec/postgres',
  EMBEDDED_PG_PORT: '54343',
  PORT: '0',
};

function postmasterPid(): number | undefined {
  const file = `${EMBEDDED.EMBEDDED_PG_DATA_DIR}/postmaster.pid`;
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('embedded database (process)', () => {
  afterEach(stopStartedServers);

  it('should turn a second start into a clear message, survive kill -9, and stop its Postgres on exit', async () => {
    const first = ServerProcess.start(EMBEDDED);
    const firstPort = await first.started(60_000);

    const second = ServerProcess.start(EMBEDDED);
    const { code } = await second.exited;
    expect(code).toBe(1);
    const fatal = second.lines.filter((line) => line.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]?.msg).toMatch(new RegExp(`in use by another run \\(pid ${first.pid}\\)`));
    // The first run is unharmed.
    expect((await fetch(`http://127.0.0.1:${firstPort}/health/live`)).status).toBe(200);

    // SIGKILL leaves the embedded Postgres orphaned, holding the data directory and its port.
    first.kill('SIGKILL');
    await first.exited;
    const orphan = postmasterPid();
    expect(orphan !== undefined && isAlive(orphan)).toBe(true);

    const third = ServerProcess.start(EMBEDDED);
    const thirdPort = await third.started(60_000);
    expect((await fetch(`http://127.0.0.1:${thirdPort}/health/live`)).status).toBe(200);
    const ownPostgres = postmasterPid();
    expect(ownPostgres).not.toBe(orphan);

    third.kill('SIGTERM');
    expect((await third.exited).code).toBe(0);
    expect(ownPostgres !== undefined && isAlive(ownPostgres)).toBe(false);
  }, 120_000);
});

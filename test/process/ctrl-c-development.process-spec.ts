import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../support/ports';
import { type LogLine, ServerProcess, stopStartedServers } from '../support/server-process';

/**
 * `npm start` in a terminal, then Ctrl-C: the terminal sends SIGINT to its whole foreground process
 * group. The embedded Postgres must not be in that group — it would begin a fast shutdown in the
 * same instant as the app's drain — so the request in flight is still answered, and the app stops
 * the database itself, last. Both ways a developer starts it: `node dist/main.js`, and `npm start`
 * (npm forwards the SIGINT to the app, so one Ctrl-C arrives there twice).
 */
const ROOT = resolve(__dirname, '../..');
const DATA_DIR = resolve(ROOT, '.data', `ctrl-c-${process.pid}`);
afterEach(stopStartedServers);

afterAll(async () => {
  await rm(DATA_DIR, { recursive: true, force: true });
  await rm(`${DATA_DIR}.owner`, { force: true });
});

/** A POST whose body arrives only after `holdMs`: in flight for that long. */
function slowPost(
  port: number,
  path: string,
  payload: unknown,
  holdMs: number,
): { sent: Promise<void>; answered: Promise<{ status: number; at: number }> } {
  const body = Buffer.from(JSON.stringify(payload));
  let markSent: () => void = () => undefined;
  const sent = new Promise<void>((resolveSent) => (markSent = resolveSent));
  const answered = new Promise<{ status: number; at: number }>((resolveAnswer, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolveAnswer({ status: res.statusCode ?? 0, at: Date.now() }));
      },
    );
    req.on('error', reject);
    req.write(body.subarray(0, 1), () => markSent());
    setTimeout(() => req.end(body.subarray(1)), holdMs);
  });
  return { sent, answered };
}

const stepDone =
  (name: string) =>
  (line: LogLine): boolean =>
    String(line.msg).startsWith(`shutdown step "${name}" done`);

describe.each([
  ['node dist/main.js', undefined],
  ['npm start', ['npm', ['start', '--ignore-scripts']]],
] as Array<[string, [string, string[]] | undefined]>)(
  'Ctrl-C on %s with the embedded database',
  (_label, command) => {
    it('should answer the request in flight, stop the database after it, and exit 0', async () => {
      const pgPort = await freePort();
      const server = ServerProcess.startInOwnGroup(
        {
          HOME: process.env.HOME ?? ROOT,
          PORT: '0',
          EMBEDDED_PG_PORT: String(pgPort),
          EMBEDDED_PG_DATA_DIR: DATA_DIR,
        },
        command,
      );
      const port = await server.started(60_000);
      const created = await fetch(`http://127.0.0.1:${port}/api/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Ctrl-C' }),
      });
      const { id } = (await created.json()) as { id: string };

      const inFlight = slowPost(
        port,
        `/api/sessions/${id}/messages`,
        { content: 'still here' },
        800,
      );
      await inFlight.sent;
      await sleep(100);
      server.signalGroup('SIGINT');
      const answer = await inFlight.answered;
      const { code, signal } = await server.exited;

      expect(answer.status).toBe(201);
      // The app's own exit code. Around it, npm reports the Ctrl-C as its own death by SIGINT.
      expect(server.lines.find((line) => line.msg === 'exiting with code 0')).toBeDefined();
      expect(command === undefined ? { code, signal } : { signal }).toEqual(
        command === undefined ? { code: 0, signal: null } : { signal: 'SIGINT' },
      );
      expect(
        server.lines.filter((line) => String(line.msg).startsWith('shutdown started')),
      ).toHaveLength(1);
      const stopped = server.lines.find(stepDone('stop embedded Postgres'));
      expect(stopped).toBeDefined();
      expect(Number(stopped?.time)).toBeGreaterThanOrEqual(answer.at - 5);
      expect(server.rawOutput.join('\n')).not.toMatch(
        /terminating connection due to administrator/,
      );
      expect(existsSync(resolve(DATA_DIR, 'postmaster.pid'))).toBe(false);
    }, 90_000);
  },
);

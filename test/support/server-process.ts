import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { settlesWithin, withTimeout } from '../../src/common/async/with-timeout';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Every server this test file started that has not exited yet (Jest loads modules per file). */
const running = new Set<ServerProcess>();

/**
 * The kill guard's bounds: a server left running gets this long to exit on SIGTERM (a SIGKILLed
 * server would leave its embedded Postgres orphaned), then is SIGKILLed and gets as long again.
 */
const GUARD_GRACE_MS = 5000;
const GUARD_KILLED_MS = 5000;

interface Launch {
  command?: [string, string[]];
  ownProcessGroup?: boolean;
}

export interface LogLine {
  level?: number;
  msg?: string;
  [key: string]: unknown;
}

/**
 * The built server (dist/main.js, built by `npm test`'s pretest; SERVER_ENTRY overrides it) as a
 * real child process: real signals, real exit codes, its JSON log lines collected from stdout and
 * stderr.
 */
export class ServerProcess {
  readonly lines: LogLine[] = [];
  readonly rawOutput: string[] = [];
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private lineWaiters: Array<() => void> = [];

  private constructor(env: Record<string, string>, launch: Launch = {}) {
    const root = resolve(__dirname, '../..');
    const [command, args] = launch.command ?? [
      process.execPath,
      [resolve(root, process.env.SERVER_ENTRY ?? 'dist/main.js')],
    ];
    this.child = spawn(command, args, {
      cwd: root,
      // Load tests and benches write far faster than any client may: the rate limit is off
      // unless a test sets RATE_LIMIT_PER_MINUTE itself (test/process/rate-limit.process-spec.ts).
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        RATE_LIMIT_PER_MINUTE: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: launch.ownProcessGroup ?? false,
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let buffered = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buffered += chunk;
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        parts.forEach((line) => this.onLine(line));
      });
    }
    this.exited = new Promise((resolveExit) => {
      this.child.once('exit', (code, signal) => resolveExit({ code, signal }));
    });
  }

  /** `command` replaces `node dist/main.js`, e.g. with a benchmark's reference server. */
  static start(env: Record<string, string>, command?: [string, string[]]): ServerProcess {
    return ServerProcess.tracked(new ServerProcess(env, { command }));
  }

  /**
   * Started the way a terminal starts a command: in a process group of its own (setsid), so that
   * `signalGroup` reaches every process in it, as a terminal's Ctrl-C does. `command` replaces
   * `node dist/main.js`, e.g. with `npm start`.
   */
  static startInOwnGroup(env: Record<string, string>, command?: [string, string[]]): ServerProcess {
    return ServerProcess.tracked(new ServerProcess(env, { command, ownProcessGroup: true }));
  }

  private static tracked(server: ServerProcess): ServerProcess {
    running.add(server);
    void server.exited.then(() => running.delete(server));
    return server;
  }

  get pid(): number {
    if (this.child.pid === undefined) {
      throw new Error('server process did not start');
    }
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Signals the whole process group (only for startInOwnGroup, whose pid leads the group). */
  signalGroup(signal: NodeJS.Signals): void {
    process.kill(-this.pid, signal);
  }

  /** SIGTERM, and SIGKILL if it has not exited `graceMs` later: a stop that cannot hang. */
  async stop(graceMs: number): Promise<Exit> {
    this.kill('SIGTERM');
    if (!(await settlesWithin(this.exited, graceMs))) {
      this.kill('SIGKILL');
    }
    return this.exited;
  }

  /** Waits for a log line matching `predicate`, failing after `timeoutMs` or if the process exits. */
  async waitFor(predicate: (line: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    let exitedEarly = false;
    void this.exited.then(() => {
      exitedEarly = true;
      this.wake();
    });
    for (;;) {
      const found = this.lines.find(predicate);
      if (found) {
        return found;
      }
      if (exitedEarly || Date.now() > deadline) {
        throw new Error(
          `${exitedEarly ? 'server exited' : 'timed out'} before the expected log line; output:\n${this.rawOutput.join('\n')}`,
        );
      }
      await new Promise<void>((resolveWait) => {
        this.lineWaiters.push(resolveWait);
        setTimeout(resolveWait, 200);
      });
    }
  }

  /** Waits for the "started" line and returns the port the server listens on. */
  async started(timeoutMs = 30_000): Promise<number> {
    const line = await this.waitFor((candidate) => candidate.msg === 'started', timeoutMs);
    return Number(line.port);
  }

  private onLine(line: string): void {
    this.rawOutput.push(line);
    try {
      this.lines.push(JSON.parse(line) as LogLine);
    } catch {
      // Not JSON (e.g. an embedded Postgres message): kept in rawOutput only.
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.lineWaiters;
    this.lineWaiters = [];
    waiters.forEach((wake) => wake());
  }
}

/**
 * The kill guard of the process specs: stops every server the test file started that is still
 * running (SIGTERM, SIGKILL after GUARD_GRACE_MS) and fails if one has not exited in the end, so a
 * failed assertion never leaves a server holding a port, a database or an embedded Postgres.
 * Use it as `afterAll(stopStartedServers)`, or `afterEach` where each test starts its own.
 */
export async function stopStartedServers(): Promise<void> {
  const left = [...running];
  await withTimeout(
    Promise.all(left.map((server) => server.stop(GUARD_GRACE_MS))),
    GUARD_GRACE_MS + GUARD_KILLED_MS,
    `${left.length} server(s) left running to exit`,
  );
}

import { setTimeout as sleep } from 'node:timers/promises';
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRepoFile } from './deploy-manifests';

/**
 * A real HAProxy for the rolling-restart test and bench: deploy/haproxy.cfg with only its
 * addresses rewritten (the lines marked "rewritten by the test"), run in the foreground as a child
 * process, its server states read from its own stats socket.
 */

/**
 * The binary, installed with apt when missing (root in CI and on this machine). A failed install
 * throws: the test that needs HAProxy fails rather than skipping its proof.
 */
export function ensureHaproxy(): string {
  const script =
    'command -v haproxy || ' +
    '(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >&2 && command -v haproxy)';
  try {
    return execSync(script, {
      shell: '/bin/bash',
      encoding: 'utf8',
      timeout: 240_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
      .trim()
      .split('\n')
      .pop() as string;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`haproxy is not installed and apt-get could not install it:\n${stderr}`);
  }
}

export interface DerivedConfigOptions {
  frontendPort: number;
  /** One port per `server` line of the source, in order (servers on 127.0.0.1). */
  serverPorts: readonly number[];
  statsSocket: string;
}

const REWRITTEN = /#\s*rewritten by the test\s*$/;

/** deploy/haproxy.cfg for 127.0.0.1: same defaults, checks, retries and timeouts. */
export function deriveHaproxyConfig(source: string, options: DerivedConfigOptions): string {
  const out: string[] = [];
  let binds = 0;
  let servers = 0;
  let inResolvers = false;
  for (const line of source.split('\n')) {
    // Docker's DNS does not exist here; the section is dropped with the server options using it.
    if (/^resolvers\s/.test(line)) {
      inResolvers = true;
      continue;
    }
    if (inResolvers) {
      if (/^\S/.test(line)) {
        inResolvers = false;
      } else {
        continue;
      }
    }
    if (/^global\s*$/.test(line)) {
      out.push(line, `    stats socket ${options.statsSocket} mode 600 level admin`);
      continue;
    }
    if (!REWRITTEN.test(line)) {
      out.push(line);
      continue;
    }
    const bind = line.match(/^(\s*)bind\s/);
    const server = line.match(/^(\s*)server\s+(\S+)\s+\S+(.*?)#/);
    if (bind) {
      binds += 1;
      out.push(`${bind[1] ?? ''}bind 127.0.0.1:${options.frontendPort}`);
    } else if (server) {
      const port = options.serverPorts[servers];
      servers += 1;
      const rest = (server[3] ?? '')
        .replace(/\sresolvers\s+\S+/, '')
        .replace(/\sinit-addr\s+\S+/, '')
        .trimEnd();
      out.push(`${server[1] ?? ''}server ${server[2] ?? ''} 127.0.0.1:${port}${rest}`);
    } else {
      throw new Error(`do not know how to rewrite: ${line}`);
    }
  }
  if (binds !== 1 || servers !== options.serverPorts.length) {
    throw new Error(
      `expected 1 bind and ${options.serverPorts.length} server lines to rewrite, found ${binds} and ${servers}`,
    );
  }
  return out.join('\n');
}

/** HAProxy's status word: UP, DOWN, MAINT, NOLB, DRAIN, no check. */
export type ServerState = string;

export class HaproxyProcess {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  private constructor(
    binary: string,
    private readonly dir: string,
    private readonly statsSocket: string,
  ) {
    // -db: stay in the foreground (no daemon), so it is our child and dies with the test.
    this.child = spawn(binary, ['-db', '-f', join(dir, 'haproxy.cfg')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => this.output.push(chunk));
    }
    this.exited = new Promise((resolveExit) => this.child.once('exit', resolveExit));
  }

  /** Validates (`haproxy -c`) and starts deploy/haproxy.cfg pointed at the given ports. */
  static start(
    binary: string,
    options: Omit<DerivedConfigOptions, 'statsSocket'> & { source?: string },
  ): HaproxyProcess {
    const dir = mkdtempSync(join(tmpdir(), 'haproxy-'));
    const statsSocket = join(dir, 'admin.sock');
    const config = deriveHaproxyConfig(options.source ?? readRepoFile('deploy/haproxy.cfg'), {
      ...options,
      statsSocket,
    });
    writeFileSync(join(dir, 'haproxy.cfg'), config);
    execSync(`${binary} -c -q -f ${join(dir, 'haproxy.cfg')}`, { stdio: 'pipe' });
    return new HaproxyProcess(binary, dir, statsSocket);
  }

  /** `show stat` on the stats socket: server name → status, for one backend. */
  async serverStates(backend = 'app'): Promise<Map<string, ServerState>> {
    const text = await new Promise<string>((resolveText, reject) => {
      const socket = connect(this.statsSocket);
      let data = '';
      socket.setEncoding('utf8');
      socket.on('connect', () => socket.write('show stat\n'));
      socket.on('data', (chunk: string) => (data += chunk));
      socket.on('end', () => resolveText(data));
      socket.on('error', reject);
    });
    const [header = '', ...rows] = text.trim().split('\n');
    const columns = header.replace(/^#\s*/, '').split(',');
    const column = (name: string): number => columns.indexOf(name);
    const states = new Map<string, ServerState>();
    for (const row of rows) {
      const cells = row.split(',');
      const proxy = cells[column('pxname')];
      const server = cells[column('svname')];
      if (proxy === backend && server !== 'BACKEND' && server !== undefined) {
        // "UP 1/2" and "DOWN 1/2" are transitions under way: only the word counts.
        states.set(server, (cells[column('status')] ?? '').split(' ')[0] ?? '');
      }
    }
    return states;
  }

  /** Polls the stats socket until `server` is in `state`; throws after `timeoutMs`. */
  async waitForState(server: string, state: ServerState, timeoutMs = 15_000): Promise<number> {
    const startedAt = Date.now();
    for (;;) {
      const current = await this.serverStates().catch(() => new Map<string, ServerState>());
      if (current.get(server) === state) {
        return Date.now() - startedAt;
      }
      if (Date.now() - startedAt > timeoutMs) {
        throw new Error(
          `HAProxy did not mark ${server} ${state} within ${timeoutMs} ms (now ${current.get(server) ?? 'unknown'}); output:\n${this.output.join('')}`,
        );
      }
      await sleep(50);
    }
  }

  /** Hard stop (SIGTERM), SIGKILL if it lingers; removes its directory. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
      await this.exited;
      clearTimeout(killer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = resolve(__dirname, '../..');

/**
 * A server under test as a child process. Its output is read only until the `started` line (and
 * the inspector's address, when started with --inspect): after that, request logs are drained and
 * dropped, so the suite's own CPU does not grow with the server's log volume.
 */
export class BenchProcess {
  readonly spawnedAt = performance.now();
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly startedLine: Promise<{ port: number; ms: number }>;
  private inspectorUrl: string | undefined;
  private tail: string[] = [];

  constructor(
    readonly name: string,
    args: string[],
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((done) => this.child.once('exit', () => done()));
    this.startedLine = new Promise((resolveStarted, rejectStarted) => {
      let found = false;
      for (const stream of [this.child.stdout, this.child.stderr]) {
        let buffered = '';
        stream?.setEncoding('utf8');
        stream?.on('data', (chunk: string) => {
          if (found && this.inspectorUrl !== undefined) {
            return;
          }
          buffered += chunk;
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) {
            this.tail = [...this.tail.slice(-20), line];
            this.inspectorUrl ??= /Debugger listening on (ws:\S+)/.exec(line)?.[1];
            if (!found && line.includes('"started"')) {
              const parsed = JSON.parse(line) as { msg?: string; port?: number };
              if (parsed.msg === 'started' && parsed.port !== undefined) {
                found = true;
                resolveStarted({ port: parsed.port, ms: performance.now() - this.spawnedAt });
              }
            }
          }
        });
      }
      void this.exited.then(() =>
        rejectStarted(new Error(`${name} exited before starting:\n${this.tail.join('\n')}`)),
      );
    });
  }

  /** The port, and milliseconds from spawn to the `started` line (READY for the server). */
  started(): Promise<{ port: number; ms: number }> {
    return this.startedLine;
  }

  get inspector(): string | undefined {
    return this.inspectorUrl;
  }

  get pid(): number {
    return this.child.pid ?? NaN;
  }

  rssMb(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
  }

  /** SIGTERM, SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    this.child.kill('SIGTERM');
    if ((await Promise.race([this.exited.then(() => true), sleep(graceMs, false)])) === false) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

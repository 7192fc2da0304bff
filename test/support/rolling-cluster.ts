import { setTimeout as sleep } from 'node:timers/promises';
import { HaproxyProcess } from './haproxy';
import { freePort } from './ports';
import { ServerProcess } from './server-process';

/**
 * Two (or more) built-server replicas on fixed ports behind a real HAProxy running
 * deploy/haproxy.cfg, and the one operation a deploy performs on them: replace a replica the way
 * Compose or the kubelet does (SIGTERM, wait for the exit, start the new one on the same address,
 * wait until the balancer routes to it again). Shared by the rolling-restart test and bench.
 */
export interface ReplicaRestart {
  server: string;
  signalledAt: number;
  /** ms from SIGTERM until HAProxy marked the old replica DOWN (undefined: not seen before exit). */
  markedDownAfterMs?: number;
  exitedAfterMs: number;
  exitCode: number | null;
  /** ms from SIGTERM until the new replica was ready and HAProxy marked it UP again. */
  backUpAfterMs: number;
  backUpAt: number;
}

interface Replica {
  name: string;
  port: number;
  process: ServerProcess;
}

export class RollingCluster {
  private constructor(
    readonly haproxy: HaproxyProcess,
    readonly port: number,
    private readonly replicas: Replica[],
    private readonly env: Record<string, string>,
  ) {}

  /**
   * `env`: the replicas' environment (DATABASE_URL, SHUTDOWN_*); PORT is set per replica.
   * `source`: the HAProxy config text (default deploy/haproxy.cfg).
   */
  static async start(options: {
    haproxyBinary: string;
    env: Record<string, string>;
    replicas?: number;
    source?: string;
  }): Promise<RollingCluster> {
    const count = options.replicas ?? 2;
    const replicas: Replica[] = [];
    for (let index = 0; index < count; index += 1) {
      const port = await freePort();
      replicas.push(RollingCluster.spawn(`app${index + 1}`, port, options.env));
    }
    const frontendPort = await freePort();
    let haproxy: HaproxyProcess | undefined;
    try {
      await Promise.all(replicas.map((replica) => replica.process.started()));
      haproxy = HaproxyProcess.start(options.haproxyBinary, {
        frontendPort,
        serverPorts: replicas.map((replica) => replica.port),
        source: options.source,
      });
      const cluster = new RollingCluster(haproxy, frontendPort, replicas, options.env);
      for (const replica of replicas) {
        await haproxy.waitForState(replica.name, 'UP');
      }
      return cluster;
    } catch (error) {
      await Promise.all(replicas.map((replica) => replica.process.stop(5000)));
      await haproxy?.stop();
      throw error;
    }
  }

  get names(): string[] {
    return this.replicas.map((replica) => replica.name);
  }

  /** Every replica process started so far (old and new), for log inspection. */
  readonly history: ServerProcess[] = [];

  /** SIGTERM the replica, wait for its exit, start its successor on the same port, wait for UP. */
  async restart(name: string): Promise<ReplicaRestart> {
    const index = this.replicas.findIndex((replica) => replica.name === name);
    const old = this.replicas[index];
    if (old === undefined) {
      throw new Error(`no replica ${name}`);
    }
    const signalledAt = Date.now();
    old.process.kill('SIGTERM');
    let markedDownAfterMs: number | undefined;
    let watching = true;
    const watchDown = (async () => {
      while (watching) {
        const state = (await this.haproxy.serverStates().catch(() => undefined))?.get(name);
        if (state === 'DOWN') {
          markedDownAfterMs = Date.now() - signalledAt;
          return;
        }
        await sleep(20);
      }
    })();
    const { code } = await old.process.exited;
    const exitedAfterMs = Date.now() - signalledAt;
    watching = false;
    await watchDown;
    this.history.push(old.process);

    const successor = RollingCluster.spawn(name, old.port, this.env);
    this.replicas[index] = successor;
    await successor.process.started();
    await this.haproxy.waitForState(name, 'UP');
    const backUpAt = Date.now();
    return {
      server: name,
      signalledAt,
      markedDownAfterMs,
      exitedAfterMs,
      exitCode: code,
      backUpAfterMs: backUpAt - signalledAt,
      backUpAt,
    };
  }

  /** Stops every replica (SIGTERM, SIGKILL after 5 s) and HAProxy. Safe to call on failure. */
  async stop(): Promise<void> {
    await Promise.all(this.replicas.map((replica) => replica.process.stop(5000)));
    await this.haproxy.stop();
  }

  private static spawn(name: string, port: number, env: Record<string, string>): Replica {
    return { name, port, process: ServerProcess.start({ ...env, PORT: String(port) }) };
  }
}

import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface EmbeddedCluster {
  url: string;
  /** Stops Postgres (fast shutdown) and waits for it. */
  stop(): Promise<void>;
}

/**
 * A real embedded Postgres that a test can stop and start under a running app (outages,
 * authentication, frozen database). Runs startEmbeddedPostgres in a child process; the data
 * directory persists between starts, so a restart keeps the data.
 */
export async function startEmbeddedCluster(options: {
  dataDir: string;
  port: number;
  database?: string;
}): Promise<EmbeddedCluster> {
  const root = resolve(__dirname, '../..');
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      resolve(__dirname, 'embedded-cluster.child.ts'),
      options.dataDir,
      String(options.port),
      options.database ?? 'renovation',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
  let errorOutput = '';
  child.stderr.on('data', (chunk: Buffer) => (errorOutput += chunk.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line) {
        resolveUrl((JSON.parse(line) as { url: string }).url);
      }
    });
    void exited.then((code) =>
      reject(new Error(`embedded cluster exited (${code}): ${errorOutput}`)),
    );
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The postmaster of the cluster in `dataDir` and every backend it forked, for freezing the whole
 * cluster with SIGSTOP: freezing only the postmaster leaves its sessions answering.
 */
export function clusterPids(dataDir: string): number[] {
  const postmaster = Number(
    readFileSync(resolve(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  const children = execFileSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' })
    .split('\n')
    .filter((pid) => pid.trim() !== '')
    .map(Number);
  return [postmaster, ...children];
}

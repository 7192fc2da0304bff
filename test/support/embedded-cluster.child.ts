/**
 * Runs an embedded Postgres in its own Node process for a test (see embedded-cluster.ts): the
 * package is ESM, which Node can require() but Jest's module registry cannot. Prints one JSON line
 * with the URL when ready; stops the cluster and exits on SIGTERM.
 */
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

const [dataDir, port, database] = process.argv.slice(2);

startEmbeddedPostgres({
  dataDir: dataDir ?? '',
  port: Number(port),
  database: database ?? 'renovation',
}).then(
  (cluster) => {
    process.stdout.write(`${JSON.stringify({ url: cluster.url })}\n`);
    process.once('SIGTERM', () => {
      void cluster.stop().then(() => process.exit(0));
    });
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

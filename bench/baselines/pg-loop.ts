import { percentile } from '../statistics';
import { BaselineQueries } from './baseline-queries';

/**
 * The raw `pg` baseline of `npm run bench:http`: CONNECTIONS concurrent loops running one
 * statement (QUERY=session|sessions|insert, over SESSION_IDS round-robin) through a pool of the
 * server's size for DURATION_S, then one JSON line: queries/s, p50/p99 in ms, and how many
 * inserts committed (CONTENT marks them so the suite can count the rows).
 */
async function main(): Promise<void> {
  const query = process.env.QUERY ?? 'session';
  const connections = Number(process.env.CONNECTIONS ?? 16);
  const durationMs = Number(process.env.DURATION_S ?? 2) * 1000;
  const ids = (process.env.SESSION_IDS ?? '').split(',').filter(Boolean);
  const content = process.env.CONTENT ?? 'bench';
  const queries = new BaselineQueries();
  await queries.pool.query('SELECT 1');

  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  const run = (): Promise<unknown> => {
    const id = ids[next++ % ids.length] ?? '';
    if (query === 'insert') {
      return queries.insertMessage(id, content);
    }
    return query === 'sessions' ? queries.sessions() : queries.session(id);
  };
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        try {
          await run();
          latencies.push(performance.now() - sent);
        } catch {
          failed += 1;
        }
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      completed: latencies.length,
      failed,
      perSecond: latencies.length / elapsedS,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    }),
  );
  await queries.pool.end();
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

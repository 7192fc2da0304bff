/**
 * What `npm run bench:http` measures, from the environment. Defaults (every route at 1, 16 and 64
 * connections) fit in about eleven minutes on the 2-core machine; QUICK=1 in one to two.
 *
 *   ROUTES=live,ready,session,list,post,post-agent   which cells to run (all by default)
 *   CONNECTIONS=1,16,64                              only these connection counts
 *   ROUNDS, DURATION_S                               alternating rounds per cell, seconds each
 *   SOAK_S                                           the soak (0 skips it); STARTUP_RUNS likewise
 *   REF_ENTRY=path/to/dist/main.js                   adds that build as target `ref` (A/B of a change)
 *   BARE_FASTIFY=1                                   adds the bare app on Fastify (`bare-fastify`)
 *   DATABASE_URL                                     the admin URL of the machine's Postgres
 */
export type RouteName = 'live' | 'ready' | 'session' | 'list' | 'post' | 'post-agent';

export const ALL_ROUTES: readonly RouteName[] = [
  'live',
  'ready',
  'session',
  'list',
  'post',
  'post-agent',
];

/** The connection counts each route runs at when CONNECTIONS does not narrow them. */
const DEFAULT_CELLS: Record<RouteName, number[]> = {
  live: [1, 16, 64],
  ready: [1, 16, 64],
  session: [1, 16, 64],
  list: [1, 16, 64],
  post: [1, 16, 64],
  'post-agent': [1, 16, 64],
};

const QUICK_CELLS: Partial<Record<RouteName, number[]>> = {
  live: [16],
  session: [16],
  post: [64],
};

export interface Cell {
  route: RouteName;
  connections: number;
}

export interface BenchOptions {
  cells: Cell[];
  rounds: number;
  durationS: number;
  warmupS: number;
  soakS: number;
  startupRuns: number;
  /** Also the bare app on Fastify: what the HTTP platform alone is worth. */
  bareFastify: boolean;
  refEntry: string | undefined;
  adminUrl: string;
  quick: boolean;
}

function numberList(raw: string | undefined): number[] | undefined {
  return raw === undefined || raw === '' ? undefined : raw.split(',').map(Number);
}

export function benchOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const quick = env.QUICK === '1';
  const table = quick ? QUICK_CELLS : DEFAULT_CELLS;
  const routes = (env.ROUTES?.split(',') as RouteName[] | undefined) ?? ALL_ROUTES;
  const unknown = routes.filter((route) => !ALL_ROUTES.includes(route));
  if (unknown.length > 0) {
    throw new Error(`ROUTES: unknown ${unknown.join(', ')} (known: ${ALL_ROUTES.join(', ')})`);
  }
  const connections = numberList(env.CONNECTIONS);
  const cells = routes.flatMap((route) =>
    (connections ?? table[route] ?? (env.ROUTES === undefined ? [] : [16])).map((count) => ({
      route,
      connections: count,
    })),
  );
  return {
    cells,
    rounds: Number(env.ROUNDS ?? 3),
    durationS: Number(env.DURATION_S ?? (quick ? 1.5 : 2)),
    warmupS: Number(env.WARMUP_S ?? 1),
    soakS: Number(env.SOAK_S ?? (quick ? 10 : 30)),
    startupRuns: Number(env.STARTUP_RUNS ?? (quick ? 1 : 3)),
    refEntry: env.REF_ENTRY,
    bareFastify: env.BARE_FASTIFY === '1',
    adminUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    quick,
  };
}

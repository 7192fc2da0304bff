import autocannon from 'autocannon';
import type { RouteName } from './options';

/** One measurement of one target: successful responses (or queries) per second and latency. */
export interface Sample {
  perSecond: number;
  p50: number;
  p99: number;
  /** Responses other than 2xx, connection errors and timeouts: a fast error is not throughput. */
  failed: number;
  /** 2xx responses (or committed queries) in the round. */
  ok: number;
}

export interface RouteLoad {
  method: 'GET' | 'POST';
  path: (sessionId: string) => string;
  usesSessions: boolean;
}

export const ROUTE_LOADS: Record<RouteName, RouteLoad> = {
  live: { method: 'GET', path: () => '/health/live', usesSessions: false },
  ready: { method: 'GET', path: () => '/health/ready', usesSessions: false },
  session: { method: 'GET', path: (id) => `/api/sessions/${id}`, usesSessions: true },
  list: { method: 'GET', path: () => '/api/sessions', usesSessions: false },
  post: { method: 'POST', path: (id) => `/api/sessions/${id}/messages`, usesSessions: true },
  'post-agent': {
    method: 'POST',
    path: (id) => `/api/sessions/${id}/messages`,
    usesSessions: true,
  },
};

/**
 * `connections` keep-alive connections on one route for `durationS`, requests spread round-robin
 * over `sessionIds`; POST bodies carry `content`, so the suite can count the committed rows.
 */
export async function loadRoute(
  port: number,
  route: RouteName,
  options: { connections: number; durationS: number; sessionIds: string[]; content: string },
): Promise<Sample> {
  const load = ROUTE_LOADS[route];
  let next = 0;
  const body = JSON.stringify({ content: options.content });
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: options.connections,
    duration: options.durationS,
    timeout: 10,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          method: load.method,
          path: load.path(options.sessionIds[next++ % options.sessionIds.length] ?? ''),
          ...(load.method === 'POST'
            ? { body, headers: { 'content-type': 'application/json' } }
            : {}),
        }),
      },
    ],
  });
  const ok = result['2xx'];
  return {
    perSecond: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
    ok,
  };
}

/**
 * Every metric name this service exports, in one place so dashboards and alerts have one list to
 * read. Other modules add their metrics by injecting the app's `Registry` (see metrics.module.ts)
 * and registering into it: `new Histogram({ name, help, labelNames, registers: [registry] })`.
 */
export const METRIC_NAMES = {
  /** Histogram by method, route (template, never the raw URL) and status_code. */
  httpRequestDuration: 'http_request_duration_seconds',
  httpRequestsInFlight: 'http_requests_in_flight',
  /** 1 for the current phase, 0 for the others (label `phase`). */
  lifecyclePhase: 'lifecycle_phase',
  dbPoolConnections: 'db_pool_connections',
  dbPoolIdleConnections: 'db_pool_idle_connections',
  dbPoolWaitingQueries: 'db_pool_waiting_queries',
  dbPoolMaxConnections: 'db_pool_max_connections',
  dbListenerUp: 'db_listener_up',
  /** Open SSE streams and socket.io clients (label `kind`, as registered in LongLivedConnections). */
  longLivedConnections: 'long_lived_connections',
  /** Constant 1 with labels version, node_version, environment. */
  appInfo: 'app_info',
  /**
   * RESERVED for the lifecycle's ordered shutdown (drain delay, long-lived drain, HTTP drain, each
   * cleanup step): registered by the lifecycle module, not here, as a Gauge or Histogram with a
   * `phase` label. Named here so the name is not taken twice.
   */
  shutdownPhaseDuration: 'shutdown_phase_duration_seconds',
} as const;

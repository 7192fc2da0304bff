/**
 * Every metric name this service exports, in one place so dashboards and alerts have one list to
 * read. In common because health, lifecycle and the gateway all register metrics and none of
 * them may depend on another for a name. Each module registers its metrics by injecting the app's
 * `Registry` (see src/health/metrics/metrics.module.ts):
 * `new Histogram({ name: METRIC_NAMES.x, help, labelNames, registers: [registry] })`.
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
  /** Duration of each phase of the current or last shutdown (label `phase`); lifecycle's. */
  shutdownPhaseDuration: 'shutdown_phase_duration_seconds',
  /** Live events resolved on this instance (once per event, not per client), label `type`. */
  gatewayLiveEvents: 'gateway_live_events_total',
  /** NOTIFY received → handed to this instance's sockets and streams (DB read and queue included). */
  gatewayLiveEventLag: 'gateway_live_event_lag_seconds',
  /** `resync` hints sent, label `reason` (listener_reconnected, event_unavailable). */
  gatewayResyncHints: 'gateway_resync_hints_total',
  /** Sessions watched by at least one local socket room or SSE stream. */
  gatewayWatchedSessions: 'gateway_watched_sessions',
  /** Assistant runs ended on this instance, label `outcome`. */
  agentRuns: 'agent_runs_total',
  agentFirstTokenSeconds: 'agent_time_to_first_token_seconds',
  agentRunDurationSeconds: 'agent_run_duration_seconds',
  /** Model tokens of completed runs, label `direction` (in, out). */
  agentTokens: 'agent_tokens_total',
  /** Provider errors that failed a run, label `code` (rate_limited, unavailable, …). */
  agentProviderErrors: 'agent_provider_errors_total',
} as const;

import type { RawEnv } from './env.schema';

export type NodeEnvironment = RawEnv['NODE_ENV'];

/** Typed namespaces read with `ConfigService<AppConfig, true>.getOrThrow('db', { infer: true })`. */
export interface AppConfig {
  app: {
    env: NodeEnvironment;
    port: number;
    host: string;
    logLevel: NonNullable<RawEnv['LOG_LEVEL']>;
    /** Overall bound on the boot sequence; the step that outlives it is named. */
    startupTimeoutMs: number;
    version: string;
  };
  db: {
    /** DATABASE_URL, or the embedded database's when that is unset outside production. */
    url: string;
    poolMax: number;
    connectTimeoutMs: number;
    /** Server-side statement_timeout; the client gives up one second later (frozen server). */
    statementTimeoutMs: number;
    migrationsRun: boolean;
    /**
     * Settings every pooled connection starts with (Postgres `options`). The message trigger
     * reads `renovation.agent_multitask`: what a user message does while a reply streams.
     */
    sessionSettings: Record<string, string>;
  };
  docs: { enabled: boolean };
  health: { token: string | undefined };
  /** With authentication off, every request acts as this one local owner. */
  principal: { localOwnerId: string };
  /** Idempotency-Key on the create routes: how long a key's first answer is replayed. */
  idempotency: { keyTtlMs: number };
  /**
   * Bearer JWTs (src/auth/). When enabled, exactly one of `jwtSecret` (HS256) and `jwksUrl`
   * (asymmetric keys) is set, and `issuer` and `audience` are required.
   */
  auth: {
    enabled: boolean;
    jwtSecret: string | undefined;
    jwksUrl: string | undefined;
    issuer: string | undefined;
    audience: string | undefined;
    /** Leeway on `exp` and `nbf` for clocks that disagree a little. */
    clockToleranceSeconds: number;
  };
  /** The PAYMENT phase: off until a payment provider exists (RENDER then goes to COMPLETE). */
  payments: { enabled: boolean };
  /** Live updates (src/gateway/). 0 turns the SSE heartbeat off. */
  gateway: {
    sseHeartbeatMs: number;
    /** Missed messages per join ack or SSE response; a client pages for the rest. */
    resumeMaxMessages: number;
    /** An SSE client with more than this queued beyond its catch-up is cut. */
    sseMaxBufferedBytes: number;
    /** Caps on live connections, per instance and per principal (ownerId). */
    caps: {
      sseStreams: number;
      sseStreamsPerPrincipal: number;
      sockets: number;
      socketsPerPrincipal: number;
    };
  };
  /** Browser origins allowed cross-origin (REST and socket.io); undefined: same-origin only. */
  cors: { origins: '*' | string[] | undefined };
  /** Writes per principal (per address when anonymous) per minute and replica; 0: no limit. */
  rateLimit: { perMinute: number };
  /** Node's HTTP server (docs/http-limits.md). `trustProxy` is express's `trust proxy`. */
  http: {
    trustProxy: boolean | number | string[];
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
  };
  /** The assistant (src/agent/): which model answers, and how runs are bounded. */
  agent: {
    runsEnabled: boolean;
    provider: 'gemini' | 'offline';
    /** Validate the model with one cheap call before taking traffic (production and staging). */
    checkModelAtStartup: boolean;
    modelCheckTimeoutMs: number;
    gemini: {
      apiKey: string | undefined;
      baseUrl: string | undefined;
      model: string;
      temperature: number | undefined;
      maxOutputTokens: number | undefined;
      requestTimeoutMs: number;
    };
    offlineTokensPerSecond: number;
    runTimeoutMs: number;
    concurrency: number;
    /** At shutdown, how long replies still streaming get to end before they are handed over. */
    drainMs: number;
    /** A claim lasts this long unless renewed (every third of it); then any replica re-queues it. */
    leaseMs: number;
    /** Claims a run may have before an expired lease fails it instead of re-queueing it. */
    maxAttempts: number;
  };
  /** Bounds of each shutdown phase (src/lifecycle/shutdown-sequence.ts); checked to fit `timeoutMs`. */
  shutdown: {
    drainDelayMs: number;
    longLivedTimeoutMs: number;
    requestTimeoutMs: number;
    idleSocketGraceMs: number;
    stepTimeoutMs: number;
    timeoutMs: number;
  };
}

const isDeployed = (env: NodeEnvironment): boolean => env === 'production' || env === 'staging';

function defaultLogLevel(env: NodeEnvironment): AppConfig['app']['logLevel'] {
  switch (env) {
    case 'test':
      return 'silent';
    case 'development':
      return 'debug';
    case 'staging':
    case 'production':
      return 'info';
  }
}

/** The typed configuration, once startup knows the database URL (see src/lifecycle/startup/). */
export function toAppConfig(env: RawEnv, version: string, databaseUrl: string): AppConfig {
  return {
    app: appSection(env, version),
    db: {
      url: databaseUrl,
      poolMax: env.DB_POOL_MAX,
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      migrationsRun: env.DB_MIGRATIONS_RUN ?? env.NODE_ENV !== 'production',
      sessionSettings: { 'renovation.agent_multitask': env.AGENT_MULTITASK },
    },
    docs: { enabled: env.SWAGGER_ENABLED ?? !isDeployed(env.NODE_ENV) },
    health: { token: env.HEALTH_TOKEN },
    principal: { localOwnerId: env.LOCAL_OWNER_ID },
    idempotency: { keyTtlMs: env.IDEMPOTENCY_KEY_TTL_MS },
    auth: {
      enabled: authEnabled(env),
      jwtSecret: env.AUTH_JWT_SECRET,
      jwksUrl: env.AUTH_JWKS_URL,
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
      clockToleranceSeconds: env.AUTH_CLOCK_TOLERANCE_S,
    },
    payments: { enabled: env.PAYMENTS_ENABLED ?? false },
    gateway: {
      sseHeartbeatMs: env.SSE_HEARTBEAT_MS,
      resumeMaxMessages: env.RESUME_MAX_MESSAGES,
      sseMaxBufferedBytes: env.SSE_MAX_BUFFERED_BYTES,
      caps: {
        sseStreams: env.SSE_MAX_STREAMS,
        sseStreamsPerPrincipal: env.SSE_MAX_PER_PRINCIPAL,
        sockets: env.SOCKET_IO_MAX_CONNECTIONS,
        socketsPerPrincipal: env.SOCKET_IO_MAX_PER_PRINCIPAL,
      },
    },
    cors: { origins: env.CORS_ORIGINS },
    rateLimit: { perMinute: env.RATE_LIMIT_PER_MINUTE },
    http: {
      trustProxy: env.TRUST_PROXY ?? false,
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    agent: agentSection(env),
    shutdown: shutdownSection(env),
  };
}

/** Gemini answers in production and staging; elsewhere the offline assistant, with no key needed. */
function agentSection(env: RawEnv): AppConfig['agent'] {
  return {
    runsEnabled: env.AGENT_RUNS_ENABLED ?? env.NODE_ENV !== 'test',
    provider: env.AGENT_PROVIDER ?? (isDeployed(env.NODE_ENV) ? 'gemini' : 'offline'),
    checkModelAtStartup: isDeployed(env.NODE_ENV),
    modelCheckTimeoutMs: env.AGENT_MODEL_CHECK_TIMEOUT_MS,
    gemini: {
      apiKey: env.GEMINI_API_KEY,
      baseUrl: env.GEMINI_BASE_URL,
      model: env.AGENT_MODEL,
      temperature: env.AGENT_TEMPERATURE,
      maxOutputTokens: env.AGENT_MAX_OUTPUT_TOKENS,
      requestTimeoutMs: env.AGENT_REQUEST_TIMEOUT_MS,
    },
    offlineTokensPerSecond: env.AGENT_OFFLINE_TOKENS_PER_S,
    runTimeoutMs: env.AGENT_RUN_TIMEOUT_MS,
    concurrency: env.AGENT_CONCURRENCY,
    drainMs: env.AGENT_DRAIN_MS,
    leaseMs: env.AGENT_LEASE_MS,
    maxAttempts: env.AGENT_MAX_ATTEMPTS,
  };
}

/** Needed before the database URL is known: the boot logger and the startup deadline read it. */
export function appSection(env: RawEnv, version: string): AppConfig['app'] {
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST ?? (env.NODE_ENV === 'development' ? '127.0.0.1' : '0.0.0.0'),
    logLevel: env.LOG_LEVEL ?? defaultLogLevel(env.NODE_ENV),
    startupTimeoutMs: env.STARTUP_TIMEOUT_MS,
    version,
  };
}

/**
 * Checked against the global deadline at startup, before the database. Behind a Kubernetes
 * Service the endpoints update only after readiness turns 503: keep serving meanwhile.
 */
export function shutdownSection(env: RawEnv): AppConfig['shutdown'] {
  return {
    drainDelayMs:
      env.SHUTDOWN_DRAIN_DELAY_MS ?? (env.KUBERNETES_SERVICE_HOST === undefined ? 0 : 5000),
    longLivedTimeoutMs: env.SHUTDOWN_LONG_LIVED_TIMEOUT_MS,
    requestTimeoutMs: env.SHUTDOWN_REQUEST_TIMEOUT_MS,
    idleSocketGraceMs: env.SHUTDOWN_IDLE_SOCKET_GRACE_MS,
    stepTimeoutMs: env.SHUTDOWN_STEP_TIMEOUT_MS,
    timeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  };
}

/** On in production and staging unless AUTH_ENABLED=false says otherwise (a warning at start). */
const authEnabled = (env: RawEnv): boolean => env.AUTH_ENABLED ?? isDeployed(env.NODE_ENV);

/** What authentication needs once it is on; every missing piece is named. */
function authErrors(env: RawEnv): string[] {
  if (!authEnabled(env)) {
    return [];
  }
  const why =
    env.AUTH_ENABLED === undefined
      ? `when NODE_ENV=${env.NODE_ENV} (authentication is on there unless AUTH_ENABLED=false)`
      : 'when AUTH_ENABLED=true';
  const errors: string[] = [];
  if (env.AUTH_JWT_SECRET === undefined && env.AUTH_JWKS_URL === undefined) {
    errors.push(`AUTH_JWT_SECRET or AUTH_JWKS_URL: one is required ${why}`);
  }
  if (env.AUTH_JWT_SECRET !== undefined && env.AUTH_JWKS_URL !== undefined) {
    errors.push('AUTH_JWT_SECRET and AUTH_JWKS_URL: set one, not both');
  }
  if (env.AUTH_ISSUER === undefined) {
    errors.push(`AUTH_ISSUER: required ${why}`);
  }
  if (env.AUTH_AUDIENCE === undefined) {
    errors.push(`AUTH_AUDIENCE: required ${why}`);
  }
  return errors;
}

/** Cross-field rules that a per-variable schema cannot express. */
export function crossFieldErrors(env: RawEnv): string[] {
  const errors: string[] = [];
  // Gemini by default in production and staging: there a missing key fails the startup's model
  // check, which names provider, model and cause like every other model problem.
  if (env.AGENT_PROVIDER === 'gemini' && env.GEMINI_API_KEY === undefined) {
    errors.push(
      'GEMINI_API_KEY: required with AGENT_PROVIDER=gemini (AGENT_PROVIDER=offline runs the scripted assistant instead)',
    );
  }
  if (isDeployed(env.NODE_ENV) && env.DATABASE_URL === undefined) {
    errors.push(
      `DATABASE_URL: required when NODE_ENV=${env.NODE_ENV} (an embedded database never starts there)`,
    );
  }
  // Node refuses a server whose headers bound is longer than its whole-request bound.
  if (
    env.HTTP_REQUEST_TIMEOUT_MS > 0 &&
    env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS
  ) {
    errors.push(
      `HTTP_HEADERS_TIMEOUT_MS: ${env.HTTP_HEADERS_TIMEOUT_MS} is longer than HTTP_REQUEST_TIMEOUT_MS (${env.HTTP_REQUEST_TIMEOUT_MS}); the headers are part of the request`,
    );
  }
  // A single port serves the API and the operator's routes: the token is what keeps
  // /health/status and /metrics private, so a deployed replica does not start without one.
  if (isDeployed(env.NODE_ENV) && env.HEALTH_TOKEN === undefined) {
    errors.push(
      `HEALTH_TOKEN: required when NODE_ENV=${env.NODE_ENV} (it guards /health/status and /metrics; e.g. \`openssl rand -hex 32\`)`,
    );
  }
  errors.push(...authErrors(env));
  return errors;
}

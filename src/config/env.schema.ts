import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The one schema for every environment variable the service reads. Validated once, before Nest is
 * created (see load-env.ts), so a bad deployment fails in milliseconds with every problem listed.
 * Add a variable here, map it in app-config.ts and document it in the README table.
 */

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], {
    error: 'expected one of true, false, 1, 0, yes, no',
  })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const port = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a whole number from 0 to 65535` })
    .int(`${name} must be a whole number from 0 to 65535`)
    .min(0, `${name} must be a whole number from 0 to 65535`)
    .max(65535, `${name} must be a whole number from 0 to 65535`);

const milliseconds = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a whole number of milliseconds` })
    .int(`${name} must be a whole number of milliseconds`)
    .min(0, `${name} must be a whole number of milliseconds`);

const postgresUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (
        (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== ''
      );
    } catch {
      return false;
    }
  },
  { error: 'expected a URL like postgres://user:password@host:5432/database' },
);

const isOrigin = (value: string): boolean => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
};

const corsOrigins = z
  .string()
  .transform((value) =>
    value.trim() === '*' ? '*' : value.split(',').map((origin) => origin.trim()),
  )
  .refine((value) => value === '*' || (value.length > 0 && value.every(isOrigin)), {
    error: "expected '*' or a comma-separated list of origins like https://app.example.com",
  });

/** proxy-addr's names for address ranges, as express's `trust proxy` accepts them. */
const TRUST_PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** express's `trust proxy`: true/false, a hop count, or addresses, subnets and range names. */
const trustProxy = z.string().transform((value, context) => {
  const trimmed = value.trim();
  if (trimmed === 'true' || trimmed === 'false') {
    return trimmed === 'true';
  }
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed);
  }
  const entries = trimmed.split(',').map((entry) => entry.trim());
  const valid = entries.every(
    (entry) => TRUST_PROXY_NAMES.has(entry) || isIP(entry.split('/')[0] ?? '') !== 0,
  );
  if (!valid) {
    context.addIssue({
      code: 'custom',
      message:
        'expected true, false, a hop count, or a comma-separated list of addresses, subnets (10.0.0.0/8) or loopback, linklocal, uniquelocal',
    });
    return z.NEVER;
  }
  return entries;
});
const jwksUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  },
  { error: 'expected an http(s) URL like https://auth.example.com/.well-known/jwks.json' },
);

export const NODE_ENVIRONMENTS = ['development', 'test', 'staging', 'production'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const envSchema = z.object({
  NODE_ENV: z.enum(NODE_ENVIRONMENTS).default('development'),
  PORT: port('PORT').default(3000),
  // Unset: 127.0.0.1 in development (a laptop), 0.0.0.0 elsewhere (containers; see app-config.ts).
  HOST: z.string().min(1).optional(),
  STARTUP_TIMEOUT_MS: milliseconds('STARTUP_TIMEOUT_MS').default(60000),
  LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  DATABASE_URL: postgresUrl.optional(),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DB_CONNECT_TIMEOUT_MS: milliseconds('DB_CONNECT_TIMEOUT_MS').default(15000),
  DB_STATEMENT_TIMEOUT_MS: milliseconds('DB_STATEMENT_TIMEOUT_MS').default(15000),
  DB_MIGRATIONS_RUN: booleanFlag.optional(),
  EMBEDDED_PG_PORT: port('EMBEDDED_PG_PORT').default(54329),
  EMBEDDED_PG_DATA_DIR: z.string().min(1).default('.data/postgres'),
  SWAGGER_ENABLED: booleanFlag.optional(),
  HEALTH_TOKEN: z.string().min(16, 'HEALTH_TOKEN must be at least 16 characters').optional(),
  // Set by Kubernetes in every pod: turns the drain delay on by default (see app-config.ts).
  KUBERNETES_SERVICE_HOST: z.string().optional(),
  SHUTDOWN_DRAIN_DELAY_MS: milliseconds('SHUTDOWN_DRAIN_DELAY_MS').optional(),
  SHUTDOWN_LONG_LIVED_TIMEOUT_MS: milliseconds('SHUTDOWN_LONG_LIVED_TIMEOUT_MS').default(2000),
  SHUTDOWN_REQUEST_TIMEOUT_MS: milliseconds('SHUTDOWN_REQUEST_TIMEOUT_MS').default(10000),
  SHUTDOWN_IDLE_SOCKET_GRACE_MS: milliseconds('SHUTDOWN_IDLE_SOCKET_GRACE_MS').default(500),
  SHUTDOWN_STEP_TIMEOUT_MS: milliseconds('SHUTDOWN_STEP_TIMEOUT_MS').default(2000),
  // Holds the defaults on Kubernetes (5 s drain delay) with the assistant's hand-back step too.
  SHUTDOWN_TIMEOUT_MS: milliseconds('SHUTDOWN_TIMEOUT_MS').default(30000),
  LOCAL_OWNER_ID: z
    .uuid({ error: 'LOCAL_OWNER_ID must be a UUID' })
    .default('00000000-0000-4000-8000-000000000001'),
  // How long a stored Idempotency-Key answer is replayed before the key may be used afresh.
  IDEMPOTENCY_KEY_TTL_MS: milliseconds('IDEMPOTENCY_KEY_TTL_MS')
    .min(1, 'IDEMPOTENCY_KEY_TTL_MS must be at least 1 millisecond')
    .default(86_400_000),
  // Bearer JWTs (src/auth/): on by default in production and staging, off elsewhere.
  AUTH_ENABLED: booleanFlag.optional(),
  // RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (256 bits).
  AUTH_JWT_SECRET: z
    .string()
    .min(32, 'AUTH_JWT_SECRET must be at least 32 characters (HS256 needs a 256-bit key)')
    .optional(),
  AUTH_JWKS_URL: jwksUrl.optional(),
  AUTH_ISSUER: z.string().min(1).optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  AUTH_CLOCK_TOLERANCE_S: z.coerce
    .number({ error: 'AUTH_CLOCK_TOLERANCE_S must be a whole number of seconds from 0 to 300' })
    .int('AUTH_CLOCK_TOLERANCE_S must be a whole number of seconds from 0 to 300')
    .min(0, 'AUTH_CLOCK_TOLERANCE_S must be a whole number of seconds from 0 to 300')
    .max(300, 'AUTH_CLOCK_TOLERANCE_S must be a whole number of seconds from 0 to 300')
    .default(30),
  // Off until a payment provider exists: sessions go RENDER → COMPLETE.
  PAYMENTS_ENABLED: booleanFlag.optional(),
  // A comment line on every idle SSE stream, so that proxies do not close it as dead.
  SSE_HEARTBEAT_MS: milliseconds('SSE_HEARTBEAT_MS').default(15000),
  // Missed messages one socket.io join ack or one SSE response carries; the rest is paged.
  RESUME_MAX_MESSAGES: z.coerce.number().int().min(1).max(1000).default(100),
  // Bytes an SSE stream may have queued for a client that does not read, beyond its catch-up.
  SSE_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1024).default(1048576),
  // Live connections an instance accepts, in total and per principal (ownerId).
  SSE_MAX_STREAMS: z.coerce.number().int().min(1).default(1000),
  SSE_MAX_PER_PRINCIPAL: z.coerce.number().int().min(1).default(10),
  SOCKET_IO_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(1000),
  SOCKET_IO_MAX_PER_PRINCIPAL: z.coerce.number().int().min(1).default(10),
  // Browser origins allowed to call the API and socket.io: '*' or a comma-separated list.
  CORS_ORIGINS: corsOrigins.optional(),
  // Writes (REST and socket.io) one principal, or one address when anonymous, may make per
  // minute on one replica; 0 turns rate limiting off. Bounded: the in-memory store keeps a
  // timestamp per write.
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(10000).default(120),
  // Which proxies' X-Forwarded-For to believe for the client's address (express `trust proxy`).
  TRUST_PROXY: trustProxy.optional(),
  // Node's HTTP server bounds (docs/http-limits.md): all headers of a request, a whole request,
  // and an idle keep-alive connection. Keep-alive must outlast the load balancer's idle timeout.
  HTTP_HEADERS_TIMEOUT_MS: milliseconds('HTTP_HEADERS_TIMEOUT_MS').default(20000),
  HTTP_REQUEST_TIMEOUT_MS: milliseconds('HTTP_REQUEST_TIMEOUT_MS').default(30000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: milliseconds('HTTP_KEEP_ALIVE_TIMEOUT_MS').default(65000),
  // The assistant (src/agent/). Runs answer user messages; off in NODE_ENV=test unless set.
  AGENT_RUNS_ENABLED: booleanFlag.optional(),
  AGENT_PROVIDER: z.enum(['gemini', 'offline']).optional(),
  GEMINI_API_KEY: z.string().min(1).optional(),
  GEMINI_BASE_URL: z.url({ error: 'GEMINI_BASE_URL must be a URL' }).optional(),
  AGENT_MODEL: z.string().min(1).default('gemini-2.5-flash'),
  AGENT_TEMPERATURE: z.coerce.number().min(0).max(2).optional(),
  AGENT_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(1).optional(),
  AGENT_REQUEST_TIMEOUT_MS: milliseconds('AGENT_REQUEST_TIMEOUT_MS').default(60000),
  AGENT_RUN_TIMEOUT_MS: milliseconds('AGENT_RUN_TIMEOUT_MS').default(120000),
  AGENT_MULTITASK: z.enum(['enqueue', 'reject', 'interrupt']).default('enqueue'),
  AGENT_DRAIN_MS: milliseconds('AGENT_DRAIN_MS').default(1000),
  AGENT_LEASE_MS: milliseconds('AGENT_LEASE_MS').default(30000),
  AGENT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  AGENT_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  AGENT_OFFLINE_TOKENS_PER_S: z.coerce.number().min(0).default(30),
  AGENT_MODEL_CHECK_TIMEOUT_MS: milliseconds('AGENT_MODEL_CHECK_TIMEOUT_MS').default(10000),
});

export type RawEnv = z.infer<typeof envSchema>;

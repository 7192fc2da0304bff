import pino, { type Logger } from 'pino';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../../config/app-config';
import { serializeError } from './error-serializer';

/** Probes and scrapes would drown the request log: they log at debug only. */
const QUIET_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/**
 * Health and metrics routes. Their deliberate answers, a readiness 503 included (starting,
 * draining, a dependency down), are not failures: they log at debug, and ReadinessService logs
 * each change of verdict once. Only a 500 from them is an error.
 */
export function isProbePath(url: string | undefined): boolean {
  return QUIET_PATHS.test(url ?? '');
}

/** The application's one pino logger: JSON lines in production, pretty in development. */
export function createAppLogger(app: AppConfig['app']): Logger {
  return pino({
    level: app.logLevel,
    base: { pid: process.pid, env: app.env },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["set-cookie"]'],
      censor: '[redacted]',
    },
    // Never a SQL statement's parameters or a user's text (error-serializer.ts).
    serializers: { err: serializeError },
    ...(app.env === 'development'
      ? {
          transport: {
            target: 'pino-pretty',
            options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' },
          },
        }
      : {}),
  });
}

/**
 * nestjs-pino options: Nest's logger writes through `logger` (level from LOG_LEVEL, silent under
 * test unless set). Its request middleware is mounted on no route (`forRoutes: []`): pino-http's
 * child logger per request and nestjs-pino's AsyncLocalStorage scope were the largest cost of a
 * request (docs/architecture.md, "Request logging"); RequestLogging writes the request line
 * instead. nestjs-pino still builds pino-http once, whose logger (a child of `logger`, same
 * destination) becomes PinoLogger.root, the one the shutdown's flush step flushes.
 */
export function loggerOptions(logger: Logger): Params {
  return { pinoHttp: { logger }, forRoutes: [] };
}

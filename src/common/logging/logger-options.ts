import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../../config/app-config';
import { routeLabel, UNMATCHED_ROUTE } from '../http/route-label';
import { serializeError } from './error-serializer';
import { redactUrl } from './redact-url';
import { requestIdFor } from './request-id';

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

/** The route template for the message, or the URL when no handler matched (a 404). */
function routeOrUrl(req: IncomingMessage): string | undefined {
  const route = routeLabel(req);
  return route === UNMATCHED_ROUTE ? redactUrl(req.url) : route;
}

/**
 * nestjs-pino options: JSON lines in production, pretty in development, silent under test unless
 * LOG_LEVEL says otherwise. Each request is logged once, when its response completes.
 */
export function loggerOptions(app: AppConfig['app']): Params {
  return {
    // Express 5 path syntax; nestjs-pino's default '*' triggers Nest's legacy-route warning.
    forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
    pinoHttp: {
      level: app.logLevel,
      base: { pid: process.pid, env: app.env },
      // body-parsing.ts assigns the id first, so that parse errors can quote it too.
      genReqId: (req, res) => (req as { id?: string }).id ?? requestIdFor(req, res),
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["set-cookie"]'],
        censor: '[redacted]',
      },
      customLogLevel: (req: IncomingMessage, res: ServerResponse, error?: Error) => {
        if (isProbePath(req.url) && res.statusCode !== 500) {
          return 'debug';
        }
        if (res.statusCode >= 500 || error) {
          return 'error';
        }
        return res.statusCode >= 400 ? 'warn' : 'info';
      },
      customSuccessMessage: (req, res, responseTime) =>
        `${req.method} ${routeOrUrl(req)} ${res.statusCode} ${Math.round(responseTime)}ms`,
      customErrorMessage: (req, res) =>
        `${req.method} ${redactUrl(req.url)} ${res.statusCode} failed`,
      customProps: (req) => ({ route: routeLabel(req) }),
      serializers: {
        req: (req: { id: unknown; method: unknown; url: string | undefined }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
        }),
        res: (res: { statusCode: unknown }) => ({ statusCode: res.statusCode }),
        // Never a SQL statement's parameters or a user's text (error-serializer.ts).
        err: serializeError,
      },
      ...(app.env === 'development'
        ? {
            transport: {
              target: 'pino-pretty',
              options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' },
            },
          }
        : {}),
    },
  };
}

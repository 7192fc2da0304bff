import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Level, Logger } from 'pino';
import { routeLabel, UNMATCHED_ROUTE } from '../http/route-label';
import { isProbePath } from './logger-options';
import { redactUrl } from './redact-url';

/**
 * The level of a request's line: probes at debug unless they failed with a 500 (their 503 is an
 * answer, see isProbePath), 5xx at error, 4xx at warn, the rest at info.
 */
export function requestLogLevel(url: string | undefined, statusCode: number): Level {
  if (isProbePath(url) && statusCode !== 500) {
    return 'debug';
  }
  if (statusCode >= 500) {
    return 'error';
  }
  return statusCode >= 400 ? 'warn' : 'info';
}

/**
 * Writes one line per request when its response closes, in the shape operators (and
 * test/process/request-logging.process-spec.ts) read: `req` {id, method, url} — never headers, so
 * no authorization or cookie value —, `route` (the template, or `unmatched`), `res` {statusCode},
 * `responseTime` in ms, and `GET /api/sessions/:id 200 3ms`. A 5xx line carries `err` and says
 * "failed"; a response closed before it finished carries `aborted: true`. One `logger[level]` call
 * and no child logger: the level is checked first, so a probe at info costs a regex test.
 */
export function logRequest(
  logger: Logger,
  req: IncomingMessage & { id?: unknown },
  res: ServerResponse,
  startedAt: number,
): void {
  const level = requestLogLevel(req.url, res.statusCode);
  if (!logger.isLevelEnabled(level)) {
    return;
  }
  const responseTime = Date.now() - startedAt;
  const route = routeLabel(req);
  // An SSE request may carry its bearer token as ?access_token=: never written to the log.
  const url = redactUrl(req.url);
  const line = {
    req: { id: req.id, method: req.method, url },
    route,
    res: { statusCode: res.statusCode },
    responseTime,
    ...(res.writableFinished ? {} : { aborted: true }),
  };
  if (res.statusCode >= 500) {
    logger[level](
      { ...line, err: { type: 'Error', message: `failed with status code ${res.statusCode}` } },
      `${req.method} ${url} ${res.statusCode} failed`,
    );
    return;
  }
  const shown = route === UNMATCHED_ROUTE ? url : route;
  logger[level](line, `${req.method} ${shown} ${res.statusCode} ${responseTime}ms`);
}

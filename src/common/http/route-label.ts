import type { IncomingMessage } from 'node:http';

/** The label of requests no route handled (404s, scanners): one series, whatever the URL. */
export const UNMATCHED_ROUTE = 'unmatched';

interface ExpressRoute {
  path?: unknown;
  methods?: Record<string, boolean>;
}

/**
 * The route template Express matched (`/api/sessions/:id`), read from `req.route`, which Express
 * sets on the very request object the server's 'request' event handed us. Never the raw URL: each
 * distinct URL would be a new time series, and a scanner could create millions.
 *
 * Nest registers consumer middleware (`forRoutes('*path')`, none here today) as a route for
 * every HTTP method, so a request no handler matched would still carry the middleware's route
 * (`/api/*path`). Handlers are registered for one method each; a route answering several methods
 * is therefore taken as "no handler reached" (an `@All()` handler, which this codebase does not
 * use, would count as unmatched too).
 */
export function routeLabel(req: IncomingMessage): string {
  const route = (req as IncomingMessage & { route?: ExpressRoute }).route;
  const methods = Object.keys(route?.methods ?? {});
  if (typeof route?.path !== 'string' || methods.length !== 1 || methods[0] === '_all') {
    return UNMATCHED_ROUTE;
  }
  return route.path;
}

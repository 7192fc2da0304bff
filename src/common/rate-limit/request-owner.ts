import type { IncomingHttpHeaders } from 'node:http';

/**
 * Who a request acts as, for the rate limit's key. Provided by the app's wiring (app.module.ts)
 * from the sessions' PrincipalResolver: common/ knows no feature. May throw or reject when the
 * credentials are bad; the limiter then keys by address and the handler refuses the request.
 */
export interface RequestOwner {
  ownerIdOf(headers: IncomingHttpHeaders): string | Promise<string>;
}

export const REQUEST_OWNER = Symbol('REQUEST_OWNER');

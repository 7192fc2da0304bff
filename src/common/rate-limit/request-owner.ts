import type { IncomingMessage } from 'node:http';

/**
 * Who a REST request acts as, for the rate limit's key. Provided by the app's wiring
 * (app.module.ts) from what the sessions' AuthenticationGuard resolved, which runs first: common/
 * knows no feature, and the token is verified once per request, not once more here. Undefined when
 * nothing was resolved (a public route): the limiter then keys by address.
 */
export interface RequestOwner {
  ownerIdOf(request: IncomingMessage): string | undefined;
}

export const REQUEST_OWNER = Symbol('REQUEST_OWNER');

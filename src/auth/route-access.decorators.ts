import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'auth:public-route';
export const ACCESS_TOKEN_QUERY = 'auth:access-token-query';

/** The name of the query parameter that may carry the bearer token where headers cannot. */
export const ACCESS_TOKEN_PARAM = 'access_token';

/**
 * A route anyone may call: the probes, /metrics and the status page (which have HEALTH_TOKEN).
 * Every other route needs a principal (AuthenticationGuard, registered globally).
 */
export const PublicRoute = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The route also takes the token as `?access_token=` (RFC 6750 §2.3), for a browser's EventSource,
 * which cannot set headers. Only where it must be: a URL ends up in logs and browser history (the
 * request logger redacts it, see common/logging/redact-url.ts).
 */
export const AccessTokenQuery = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_TOKEN_QUERY, true);

/** The `access_token` query parameter of a request URL, if any. */
export function accessTokenParam(url: string | undefined): string | undefined {
  const query = url?.split('?', 2)[1];
  if (query === undefined) {
    return undefined;
  }
  const value = new URLSearchParams(query).get(ACCESS_TOKEN_PARAM);
  return value === null || value === '' ? undefined : value;
}

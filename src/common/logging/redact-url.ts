/** Query parameters whose value is a credential (RFC 6750 §2.3's `access_token`). */
const SECRET_PARAMS = /([?&](?:access_token)=)[^&#]*/gi;

/**
 * The URL as it may be logged: the value of an `access_token` query parameter (SSE from a browser
 * EventSource) replaced by `[redacted]`, wherever the URL is written (request log, error log,
 * the requests cut at shutdown).
 */
export function redactUrl(url: string): string;
export function redactUrl(url: string | undefined): string | undefined;
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(SECRET_PARAMS, '$1[redacted]');
}

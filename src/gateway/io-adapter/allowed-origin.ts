/**
 * Whether a socket.io handshake from `origin` may proceed. Browsers do not apply CORS to a
 * websocket upgrade, so without this check any web page could open a socket to the API with the
 * visitor's ambient credentials (cross-site websocket hijacking). With CORS_ORIGINS set, only those
 * origins (or all, for '*'); a handshake without Origin is not from a browser and proceeds.
 */
export function originAllowed(
  origin: string | undefined,
  allowed: '*' | string[] | undefined,
): boolean {
  if (allowed === undefined || allowed === '*' || origin === undefined) {
    return true;
  }
  return allowed.includes(origin);
}

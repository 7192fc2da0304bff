/** express's compiled `trust proxy` (app.get('trust proxy fn')): is the hop at `index` trusted? */
export type TrustProxy = (address: string, index: number) => boolean;

/**
 * The client's address the way express computes `req.ip` (proxy-addr): walk from the socket's
 * peer back through X-Forwarded-For while each hop is a trusted proxy; the first untrusted one is
 * the client. For socket.io handshakes, which never pass through express.
 */
export function clientAddress(
  peer: string,
  forwardedFor: string | string[] | undefined,
  trust: TrustProxy,
): string {
  const forwarded = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((address) => address.trim())
    .filter((address) => address !== '')
    .reverse();
  const hops = [peer, ...forwarded];
  for (let index = 0; index < hops.length - 1; index += 1) {
    if (!trust(hops[index] ?? '', index)) {
      return hops[index] ?? peer;
    }
  }
  return hops[hops.length - 1] ?? peer;
}

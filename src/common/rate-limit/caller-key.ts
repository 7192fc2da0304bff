import { normalizeIp } from '@nestjs/throttler';
import type { Socket } from 'socket.io';
import { clientAddress, type TrustProxy } from './client-address';

/**
 * Who a limit counts against: the principal, or, for the one local owner every caller is while
 * authentication is off (and for a caller whose credentials do not resolve), the client's address.
 * One bucket for everybody would let one client use up everyone's share. An IPv6 client controls a
 * whole subnet: its /64 is one client. Used by the write rate limit and the live-connection caps.
 */
export function callerKey(
  ownerId: string | undefined,
  localOwnerId: string,
  address: () => string,
): string {
  if (ownerId !== undefined && ownerId !== localOwnerId) {
    return `owner:${ownerId}`;
  }
  return `address:${normalizeIp(address())}`;
}

/** A socket.io handshake's client address, as express would compute `req.ip` for it. */
export function handshakeAddress(socket: Socket, trust: TrustProxy): string {
  return clientAddress(
    socket.handshake.address,
    socket.handshake.headers['x-forwarded-for'],
    trust,
  );
}

import type { ExtendedError } from 'socket.io';
import type { ErrorEnvelope } from '../../common/errors/error-envelope';
import { toWsErrorEnvelope } from './ws-error-envelope';

/**
 * The token a client sent in the handshake's `auth` (`io(url, { auth: { token } })`): the one
 * place a browser's socket.io client can put it, since a websocket cannot carry headers.
 */
export function handshakeToken(auth: unknown): string | undefined {
  const token = (auth as { token?: unknown } | null | undefined)?.token;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/**
 * A refused handshake as socket.io-client sees it in `connect_error`: the message, and as `data`
 * the REST error envelope (401 INVALID_TOKEN…), so that clients handle both transports alike.
 */
export function refusedHandshake(error: unknown): ExtendedError {
  const envelope: ErrorEnvelope = toWsErrorEnvelope(error);
  const refused: ExtendedError = new Error(envelope.error);
  refused.data = envelope;
  return refused;
}

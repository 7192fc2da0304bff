import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { GatewaySocket } from './gateway-socket';
import { toWsErrorEnvelope } from './ws-error-envelope';

/**
 * Every failure of a gateway handler comes back as the ack, in the REST error envelope, instead
 * of Nest's default `exception` event without status or code. A client that sent no ack callback
 * gets the envelope as an `exception` event. Either way the socket stays connected.
 */
@Catch()
export class WsErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('GatewayErrors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    const socket = ws.getClient<GatewaySocket>();
    // Nest calls the handler with (socket, data, ack, pattern); ack is absent when the client
    // emitted without a callback.
    const ack = host.getArgByIndex<unknown>(2);
    const envelope = toWsErrorEnvelope(exception);
    if (envelope.statusCode >= 500) {
      this.logger.error(
        { err: exception, requestId: envelope.requestId, socketId: socket.id },
        `socket.io event ${String(ws.getPattern())} failed`,
      );
    }
    if (typeof ack === 'function') {
      (ack as (response: unknown) => void)(envelope);
    } else {
      socket.emit('exception', envelope);
    }
  }
}

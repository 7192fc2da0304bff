import { IoAdapter } from '@nestjs/platform-socket.io';
import type { ServerOptions } from 'socket.io';
import { originAllowed } from './allowed-origin';

/** The server type of the socket.io copy @nestjs/platform-socket.io creates servers with. */
type IoServer = Parameters<IoAdapter['close']>[0];

/**
 * Nest's IoAdapter closes the socket.io server with `server.close()`, and socket.io's close() then
 * calls close() on the HTTP server it is attached to, although Nest owns that server
 * (nestjs/nest#13910, socketio/socket.io#4546): websocket clients were dropped milliseconds after
 * SIGTERM, before in-flight HTTP requests finished, and the HTTP drain lost control of the
 * listener. This adapter lets go of the websocket side only; the HTTP server is closed by its owner.
 * By the time Nest calls close(), the gateway's drain has normally disconnected every client already.
 */
export class ShutdownSafeIoAdapter extends IoAdapter {
  /** `corsOrigins`: CORS_ORIGINS, so browsers on those origins may open socket.io connections. */
  constructor(
    appOrHttpServer: ConstructorParameters<typeof IoAdapter>[0],
    private readonly corsOrigins?: '*' | string[],
  ) {
    super(appOrHttpServer);
  }

  override createIOServer(port: number, options?: ServerOptions): IoServer {
    const cors = this.corsOrigins === undefined ? {} : { cors: { origin: this.corsOrigins } };
    // `cors` covers polling only: a websocket upgrade is checked here (see allowed-origin.ts).
    const allowRequest: ServerOptions['allowRequest'] = (request, callback) => {
      if (!originAllowed(request.headers.origin, this.corsOrigins)) {
        callback('origin not allowed', false);
        return;
      }
      if (options?.allowRequest) {
        options.allowRequest(request, callback);
      } else {
        callback(null, true);
      }
    };
    return super.createIOServer(port, { ...options, ...cors, allowRequest }) as IoServer;
  }

  override close(server: IoServer): Promise<void> {
    // Disconnects every socket and closes every engine.io client (stopping their ping timers);
    // unlike Server.close() it leaves server.httpServer alone.
    server.disconnectSockets(true);
    server.engine.close();
    return Promise.resolve();
  }
}

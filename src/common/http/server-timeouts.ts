import type { Server } from 'node:http';
import type { AppConfig } from '../../config/app-config';

/**
 * How often Node looks for requests past headersTimeout or requestTimeout. Its default (30 s)
 * lets a slow client run up to 30 s past either bound: 69 s for the 60 s headers default,
 * measured. The check walks only connections with a request under way.
 */
export const CONNECTIONS_CHECK_INTERVAL_MS = 1000;

/**
 * Node's HTTP server bounds (docs/http-limits.md), set before listen: the checking interval is
 * read when the server starts listening.
 *
 * headersTimeout only starts once a request's first byte arrives: a client that connects and
 * sends nothing would hold its socket forever. It gets the same bound, from the connection.
 */
export function applyServerTimeouts(server: Server, http: AppConfig['http']): void {
  server.headersTimeout = http.headersTimeoutMs;
  server.requestTimeout = http.requestTimeoutMs;
  server.keepAliveTimeout = http.keepAliveTimeoutMs;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    CONNECTIONS_CHECK_INTERVAL_MS;
  if (http.headersTimeoutMs > 0) {
    server.on('connection', (socket) => {
      const silent = setTimeout(() => {
        if (socket.bytesRead === 0) {
          socket.destroy();
        }
      }, http.headersTimeoutMs);
      // Not a shutdown guard: it must not keep a process alive that is otherwise done.
      silent.unref();
      socket.once('close', () => clearTimeout(silent));
    });
  }
}

import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { ConnectionClosePolicy } from './connection-close-policy';
import { HttpSockets } from './http-sockets';
import { InFlightRequests } from './in-flight-requests';

/**
 * Attaches the lifecycle to the raw Node HTTP server, below Express and Nest, so that it sees every
 * connection and every request — unknown routes and body-parser errors included, which no
 * interceptor sees. Runs at bootstrap, before `listen()`, for the server and the e2e apps alike.
 */
@Injectable()
export class HttpServerTracking implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly inFlight: InFlightRequests,
    private readonly sockets: HttpSockets,
    private readonly connectionClose: ConnectionClosePolicy,
  ) {}

  onApplicationBootstrap(): void {
    // A standalone application context (a CLI script) has no HTTP server.
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server === undefined) {
      return;
    }
    server.on('connection', (socket) => this.sockets.add(socket));
    server.on('upgrade', (_req, socket: Socket) => this.sockets.handOff(socket));
    // Prepended: Express's own listener was added first and may answer synchronously.
    server.prependListener('request', (req, res) => {
      this.connectionClose.onRequest(res);
      this.inFlight.track(req, res);
      const socket = req.socket;
      this.sockets.requestStarted(socket);
      // 'close', not 'finish': it also fires for aborted responses.
      res.once('close', () => this.sockets.responseClosed(socket));
    });
  }
}

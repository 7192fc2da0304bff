import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { PARAMS_PROVIDER_TOKEN, type Params } from 'nestjs-pino';
import type { Logger } from 'pino';
import { logRequest } from './request-log';

/**
 * The request log, attached to the raw HTTP server like the in-flight tracking and the metrics:
 * it sees every request (404s and body-parser errors too) and writes its line on the response's
 * 'close', which also fires for aborted responses ('finish' does not). The request id is the one
 * body parsing assigned (src/common/http/body-parsing.ts), read when the line is written.
 */
@Injectable()
export class RequestLogging implements OnApplicationBootstrap {
  private readonly logger: Logger;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(PARAMS_PROVIDER_TOKEN) params: Params,
  ) {
    this.logger = (params.pinoHttp as { logger: Logger }).logger;
  }

  onApplicationBootstrap(): void {
    // A standalone application context (a CLI script) has no HTTP server.
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    server?.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const startedAt = Date.now();
      res.once('close', () => logRequest(this.logger, req, res, startedAt));
    });
  }
}

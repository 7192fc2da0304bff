import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Histogram, Registry } from 'prom-client';
import { METRIC_NAMES } from '../../common/metrics/metric-names';
import { routeLabel } from '../../common/http/route-label';

/** Buckets from 5 ms to 10 s: API calls are fast; the tail is what an alert watches. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Request durations, measured from the HTTP server's 'request' event to the response's 'close':
 * like InFlightRequests it sees every request (404s, body-parser errors) and counts the time until
 * the response was really handed to the socket, which an interceptor cannot. A response closed
 * before it finished (client went away, connection destroyed in a drain) gets status `aborted`.
 */
@Injectable()
export class HttpMetrics implements OnApplicationBootstrap {
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(
    registry: Registry,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.duration = new Histogram({
      name: METRIC_NAMES.httpRequestDuration,
      help: 'HTTP request duration in seconds, until the response was handed to the socket',
      labelNames: ['method', 'route', 'status_code'],
      buckets: BUCKETS,
      registers: [registry],
    });
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.observe(req, res));
  }

  private observe(req: IncomingMessage, res: ServerResponse): void {
    const end = this.duration.startTimer();
    res.once('close', () =>
      end({
        method: req.method ?? 'UNKNOWN',
        route: routeLabel(req),
        status_code: res.writableFinished ? String(res.statusCode) : 'aborted',
      }),
    );
  }
}

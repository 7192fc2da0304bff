import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { routeLabel, UNMATCHED_ROUTE } from '../common/http/route-label';
import { redactUrl } from '../common/logging/redact-url';

export interface InFlightRequest {
  method: string;
  url: string;
  /** `POST /api/sessions/:id/messages` once Express has routed it to a handler, else undefined. */
  route: string | undefined;
  startedAt: number;
}

interface OpenRequest {
  req: IncomingMessage;
  startedAt: number;
}

/**
 * Requests whose response has not finished. Tracked from the HTTP server's 'request' event, so it
 * sees every request (unknown routes, body-parser errors) and not only those an interceptor sees;
 * released on the response's 'close', which fires after the last byte is handed to the socket and
 * also for aborted responses ('finish' does not). An interceptor's finalize() would release too
 * early: it runs before the body is written.
 *
 * The route template is read from the request (Express sets `req.route` on the very object the
 * server's 'request' event handed us) only when the list is asked for, at the drain's cut: naming
 * it per request in a global interceptor put Nest's interceptor pipeline (rxjs, and an
 * AsyncResource.bind per call) on every request (docs/architecture.md, "Request logging").
 */
@Injectable()
export class InFlightRequests {
  private readonly open = new Map<ServerResponse, OpenRequest>();
  private idleWaiters: Array<() => void> = [];
  private completed = 0;

  get count(): number {
    return this.open.size;
  }

  /** Responses finished (or aborted) since the process started. */
  get completedTotal(): number {
    return this.completed;
  }

  track(req: IncomingMessage, res: ServerResponse): void {
    this.open.set(res, { req, startedAt: Date.now() });
    res.once('close', () => this.release(res));
  }

  list(): InFlightRequest[] {
    return [...this.open.values()].map(({ req, startedAt }) => {
      const method = req.method ?? 'GET';
      const route = routeLabel(req);
      return {
        method,
        // Logged if the request is cut at shutdown: never with a token in its query.
        url: redactUrl(req.url ?? '/'),
        route: route === UNMATCHED_ROUTE ? undefined : `${method} ${route}`,
        startedAt,
      };
    });
  }

  /** The open responses themselves, for the drain (`Connection: close`, and the cut at the deadline). */
  responses(): ServerResponse[] {
    return [...this.open.keys()];
  }

  /** Resolves when no request is in flight (at once if none is). */
  whenIdle(): Promise<void> {
    if (this.open.size === 0) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private release(res: ServerResponse): void {
    if (!this.open.delete(res)) {
      return;
    }
    this.completed += 1;
    if (this.open.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((resolve) => resolve());
    }
  }
}

import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactUrl } from '../common/logging/redact-url';

export interface InFlightRequest {
  method: string;
  url: string;
  /** Route template, filled in by InFlightRouteInterceptor once Nest has routed the request. */
  route: string | undefined;
  startedAt: number;
}

/**
 * Requests whose response has not finished. Tracked from the HTTP server's 'request' event, so it
 * sees every request (unknown routes, body-parser errors) and not only those an interceptor sees;
 * released on the response's 'close', which fires after the last byte is handed to the socket and
 * also for aborted responses ('finish' does not). An interceptor's finalize() would release too
 * early: it runs before the body is written.
 */
@Injectable()
export class InFlightRequests {
  private readonly open = new Map<ServerResponse, InFlightRequest>();
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
    this.open.set(res, {
      method: req.method ?? 'GET',
      // Logged if the request is cut at shutdown: never with a token in its query.
      url: redactUrl(req.url ?? '/'),
      route: undefined,
      startedAt: Date.now(),
    });
    res.once('close', () => this.release(res));
  }

  describe(res: ServerResponse, route: string): void {
    const entry = this.open.get(res);
    if (entry) {
      entry.route = route;
    }
  }

  list(): InFlightRequest[] {
    return [...this.open.values()];
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

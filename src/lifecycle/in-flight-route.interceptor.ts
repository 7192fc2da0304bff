import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import { InFlightRequests } from './in-flight-requests';

type RoutedRequest = { method?: string; route?: { path?: unknown } };

/**
 * Names the route template (`POST /api/sessions/:id/messages`) of each in-flight request, so that
 * a request cut at the drain deadline is logged by route rather than by a URL full of ids.
 * Counting is not done here: the count comes from the raw server's 'request' and the response's
 * 'close' (InFlightRequests), because an interceptor misses unknown routes and middleware errors,
 * and its finalize() runs before the body is written.
 */
@Injectable()
export class InFlightRouteInterceptor implements NestInterceptor {
  constructor(private readonly inFlight: InFlightRequests) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const http = context.switchToHttp();
      const req = http.getRequest<RoutedRequest>();
      const path = req.route?.path;
      if (typeof path === 'string') {
        this.inFlight.describe(http.getResponse<ServerResponse>(), `${req.method ?? ''} ${path}`);
      }
    }
    return next.handle();
  }
}

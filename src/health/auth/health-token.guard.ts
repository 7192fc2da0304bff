import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../config/app-config';

/** The OpenAPI security scheme of HEALTH_TOKEN (declared in app.setup.ts). */
export const HEALTH_TOKEN_SCHEME = 'health-token';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** True when `header` is exactly `Bearer <token>`, compared in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  // Hashing first gives equal lengths, so timingSafeEqual never throws and the time taken does
  // not reveal the token's length either.
  const presented = match?.[1] ?? '';
  return timingSafeEqual(digest(presented), digest(token)) && match !== null;
}

/**
 * Guards what tells an outsider more than "up or down" (/health/status, /metrics) when
 * HEALTH_TOKEN is set. Probes (/health, /health/live, /health/ready) never carry it: kubelets and
 * load balancers cannot be given secrets easily, and they must never be locked out.
 */
@Injectable()
export class HealthTokenGuard implements CanActivate {
  private readonly token: string | undefined;

  constructor(config: ConfigService<AppConfig, true>) {
    this.token = config.getOrThrow('health', { infer: true }).token;
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.token === undefined) {
      return true;
    }
    const http = context.switchToHttp();
    if (bearerMatches(http.getRequest<Request>().headers.authorization, this.token)) {
      return true;
    }
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="health"');
    throw new UnauthorizedException({
      message: 'A valid health token is required (Authorization: Bearer <HEALTH_TOKEN>)',
      code: 'UNAUTHORIZED',
    });
  }
}

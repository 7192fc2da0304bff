import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ACCESS_TOKEN_QUERY, accessTokenParam, PUBLIC_ROUTE } from '../../auth';
import { type Principal, PrincipalResolver } from './principal';

/** Where the guard leaves the principal for @CurrentPrincipal(). */
export const PRINCIPAL_KEY = Symbol('principal');

/** The principal the guard resolved for `request`; undefined on public routes and before it ran. */
export function resolvedPrincipal(request: object): Principal | undefined {
  return (request as AuthenticatedRequest)[PRINCIPAL_KEY];
}

export type AuthenticatedRequest = IncomingMessage & { [PRINCIPAL_KEY]?: Principal };

/**
 * Registered globally (APP_GUARD), so a new route is protected unless it says otherwise with
 * @PublicRoute(): resolves the caller's principal before any pipe runs, so an anonymous caller
 * gets its 401 before validation can tell it anything. HTTP only: socket.io authenticates once,
 * at the handshake (SessionsGateway), and Nest does not run global guards on gateways anyway.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly principals: PrincipalResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (
      context.getType() !== 'http' ||
      this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) === true
    ) {
      return true;
    }
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const queryToken =
      this.reflector.getAllAndOverride<boolean>(ACCESS_TOKEN_QUERY, targets) === true
        ? accessTokenParam(request.url)
        : undefined;
    try {
      request[PRINCIPAL_KEY] = await this.principals.resolve(request.headers, queryToken);
    } catch (error) {
      if (error instanceof UnauthorizedException) {
        // RFC 6750 §3: a 401 names the scheme the client should use.
        http.getResponse<ServerResponse>().setHeader('WWW-Authenticate', 'Bearer realm="api"');
      }
      throw error;
    }
    return true;
  }
}

import {
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  type PipeTransform,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { type AuthenticatedRequest, PRINCIPAL_KEY } from './authentication.guard';
import { type Principal, PrincipalResolver } from './principal';

/** Hands the raw request to the pipe below (a param decorator itself cannot inject anything). */
const RawRequest = createParamDecorator(
  (_data: unknown, context: ExecutionContext): IncomingMessage =>
    context.switchToHttp().getRequest<IncomingMessage>(),
);

/**
 * The principal AuthenticationGuard resolved for this request; resolved here if no guard did
 * (fails closed: a route that somehow escaped the guard still authenticates).
 */
@Injectable()
export class ResolvePrincipalPipe implements PipeTransform<
  AuthenticatedRequest,
  Promise<Principal>
> {
  constructor(private readonly resolver: PrincipalResolver) {}

  async transform(request: AuthenticatedRequest): Promise<Principal> {
    return request[PRINCIPAL_KEY] ?? (await this.resolver.resolve(request.headers));
  }
}

/** The current principal as a handler parameter: `@CurrentPrincipal() principal: Principal`. */
export const CurrentPrincipal = (): ParameterDecorator =>
  RawRequest(undefined, ResolvePrincipalPipe);

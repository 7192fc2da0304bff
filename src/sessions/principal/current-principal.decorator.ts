import {
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  type PipeTransform,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { type Principal, PrincipalResolver } from './principal';

/** Hands the raw request to the pipe below (a param decorator itself cannot inject anything). */
const RawRequest = createParamDecorator(
  (_data: unknown, context: ExecutionContext): IncomingMessage =>
    context.switchToHttp().getRequest<IncomingMessage>(),
);

/** Resolves the request's principal through the injectable PrincipalResolver (overridable in tests). */
@Injectable()
export class ResolvePrincipalPipe implements PipeTransform<IncomingMessage, Principal> {
  constructor(private readonly resolver: PrincipalResolver) {}

  transform(request: IncomingMessage): Principal {
    return this.resolver.resolve(request.headers);
  }
}

/** The current principal as a handler parameter: `@CurrentPrincipal() principal: Principal`. */
export const CurrentPrincipal = (): ParameterDecorator =>
  RawRequest(undefined, ResolvePrincipalPipe);

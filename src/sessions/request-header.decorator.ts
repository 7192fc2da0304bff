import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

/**
 * A request header's value as received, for a pipe to parse: `RequestHeader('if-match', Pipe)`.
 * Nest's own @Headers() takes no pipes. Node joins a repeated header into one string (all but
 * set-cookie), so the value is a string or undefined.
 */
export const RequestHeader = createParamDecorator(
  (name: string, context: ExecutionContext): string | undefined =>
    context.switchToHttp().getRequest<IncomingMessage>().headers[name] as string | undefined,
);

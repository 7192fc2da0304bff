import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { map, type Observable } from 'rxjs';
import type { SessionDto } from './dto/session.dto';
import { versionETag } from './if-match';

/** Puts the returned session's version in the ETag header, so controllers stay one line. */
@Injectable()
export class SessionETagInterceptor implements NestInterceptor<SessionDto, SessionDto> {
  intercept(context: ExecutionContext, next: CallHandler<SessionDto>): Observable<SessionDto> {
    const response = context.switchToHttp().getResponse<ServerResponse>();
    return next.handle().pipe(
      map((session) => {
        response.setHeader('ETag', versionETag(session.version));
        return session;
      }),
    );
  }
}

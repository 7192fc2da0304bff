import type { ServerResponse } from 'node:http';
import type { SessionDto } from './dto/session.dto';
import { versionETag } from './if-match';

/**
 * Puts the session's version in the ETag header and hands the session on. Called by the handlers
 * rather than run as an interceptor: an interceptor costs rxjs and an AsyncResource.bind per
 * request, a measurable share of `GET /api/sessions/:id` (bench/README.md, "HTTP").
 */
export function withSessionETag(response: ServerResponse, session: SessionDto): SessionDto {
  response.setHeader('ETag', versionETag(session.version));
  return session;
}

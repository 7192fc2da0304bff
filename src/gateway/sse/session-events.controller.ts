import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccessTokenQuery, ApiAuthenticated } from '../../auth';
import { ErrorEnvelope } from '../../common/errors/error-envelope';
import { CurrentPrincipal, type Principal, SessionIdParams } from '../../sessions';
import { SessionEventsQuery } from './dto/session-events.query';
import { resumeAfter } from './last-event-id';
import { SessionEventsService } from './session-events.service';

@ApiTags('live')
@ApiAuthenticated()
@Controller('sessions/:id/events')
export class SessionEventsController {
  constructor(private readonly sessionEvents: SessionEventsService) {}

  /**
   * A raw response rather than @Sse(): Nest never completes an @Sse observable on shutdown
   * (nestjs/nest#9517), and the stream must be ended by our drain, with a last `shutdown` event.
   */
  @Get()
  @AccessTokenQuery()
  @ApiOperation({
    summary: 'Live events of a session (Server-Sent Events)',
    description:
      'First `snapshot` ({ session, messages, lastSeq, hasMore, nextAfter }), then the messages ' +
      'after Last-Event-ID (or `after`) as `message.created` with `id: <seq>`, at most ' +
      'RESUME_MAX_MESSAGES: with `hasMore` the response then ends with `retry: 0` and the ' +
      'EventSource reconnects for the next page. A seq beyond the newest gets the full snapshot ' +
      'with `reset`. Then live `session.updated`, ' +
      '`session.phase_changed`, `session.deleted`, `message.created` and `resync` events. ' +
      'A `: heartbeat` comment every SSE_HEARTBEAT_MS; `shutdown` with `retry:` when the ' +
      'instance drains.',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Last message seq seen' })
  // Only the stream is text/event-stream: every refusal comes before it starts, as the JSON
  // envelope (@ApiProduces would have claimed the errors were event streams too).
  @ApiResponse({
    status: 200,
    description: 'The event stream',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 400, type: ErrorEnvelope, description: 'Invalid id or Last-Event-ID' })
  @ApiResponse({
    status: 404,
    type: ErrorEnvelope,
    description: 'No such session (SESSION_NOT_FOUND)',
  })
  @ApiResponse({
    status: 503,
    type: ErrorEnvelope,
    description:
      'Draining (SERVER_DRAINING), or a cap on streams reached: the caller’s ' +
      '(TOO_MANY_LIVE_CONNECTIONS) or the instance’s (SERVER_AT_CAPACITY), with Retry-After',
    headers: {
      'Retry-After': { description: 'Seconds to wait (caps only)', schema: { type: 'integer' } },
    },
  })
  events(
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
    @Param() params: SessionIdParams,
    @Query() query: SessionEventsQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
  ): Promise<void> {
    return this.sessionEvents.open(
      principal,
      params.id,
      resumeAfter(lastEventId, query.after),
      res,
    );
  }
}

import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ErrorEnvelope } from '../../common/errors/error-envelope';
import { PrincipalResolver, SessionIdParams } from '../../sessions';
import { SessionEventsQuery } from './dto/session-events.query';
import { resumeAfter } from './last-event-id';
import { SessionEventsService } from './session-events.service';

@ApiTags('live')
@Controller('sessions/:id/events')
export class SessionEventsController {
  constructor(
    private readonly principals: PrincipalResolver,
    private readonly sessionEvents: SessionEventsService,
  ) {}

  /**
   * A raw response rather than @Sse(): Nest never completes an @Sse observable on shutdown
   * (nestjs/nest#9517), and the stream must be ended by our drain, with a last `shutdown` event.
   */
  @Get()
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
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Last message seq seen' })
  @ApiResponse({ status: 200, description: 'text/event-stream' })
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
    @Req() req: Request,
    @Res() res: Response,
    @Param() params: SessionIdParams,
    @Query() query: SessionEventsQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
  ): Promise<void> {
    return this.sessionEvents.open(
      this.principals.resolve(req.headers),
      params.id,
      resumeAfter(lastEventId, query.after),
      res,
    );
  }
}

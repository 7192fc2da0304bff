import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { ApiAuthenticated } from '../auth';
import { ApiErrorResponses } from './api-error-responses.decorator';
import { ChangePhaseDto } from './dto/change-phase.dto';
import { CreateSessionDto } from './dto/create-session.dto';
import { ListSessionsQuery } from './dto/list-sessions.query';
import { SessionIdParams } from './dto/session-id.params';
import { SessionPageDto } from './dto/session-page.dto';
import { SessionDto } from './dto/session.dto';
import { UpdateSessionDto } from './dto/update-session.dto';
import {
  ApiIdempotencyKey,
  IDEMPOTENT_REPLAYED_DOC,
  IDEMPOTENT_REPLAYED_HEADER,
} from './idempotency/api-idempotency-key.decorator';
import { IdempotencyKeyHeader } from './idempotency/idempotency-key-header.decorator';
import type { IfMatch } from './if-match';
import { IfMatchHeader } from './if-match-header.decorator';
import { CurrentPrincipal } from './principal/current-principal.decorator';
import type { Principal } from './principal/principal';
import { withSessionETag } from './session-etag';
import { SessionsService } from './sessions.service';

const IF_MATCH_HEADER = {
  name: 'If-Match',
  required: false,
  description:
    'ETag from a previous read ("3"), a list of them, or *. Without it the last write wins. ' +
    'A mismatch is a 412; a malformed value (e.g. a weak W/"3" tag) is a 400 INVALID_HEADER.',
  example: '"1"',
};

const ETAG_HEADER = {
  ETag: { description: 'The session version, quoted', schema: { type: 'string', example: '"1"' } },
};

@ApiTags('sessions')
@ApiAuthenticated()
@Controller('sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a session (phase INTAKE)' })
  @ApiCreatedResponse({
    type: SessionDto,
    headers: {
      ...ETAG_HEADER,
      Location: {
        description: 'URL of the new session',
        schema: { type: 'string', example: '/api/sessions/3f0e8b9e-2a51-4c1f-9a57-5b0f3c1d2e4a' },
      },
      ...IDEMPOTENT_REPLAYED_DOC,
    },
  })
  @ApiErrorResponses(400)
  @ApiIdempotencyKey('Another request with this Idempotency-Key is still in progress')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateSessionDto,
    @IdempotencyKeyHeader() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<SessionDto> {
    const { value: session, replayed } = await this.sessions.create(
      principal,
      body,
      idempotencyKey,
    );
    response.setHeader('Location', `/api/sessions/${session.id}`);
    if (replayed) {
      response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    }
    return withSessionETag(response, session);
  }

  @Get()
  @ApiOperation({ summary: 'List sessions, newest first (keyset pagination)' })
  @ApiOkResponse({ type: SessionPageDto })
  @ApiErrorResponses(400)
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListSessionsQuery,
  ): Promise<SessionPageDto> {
    return this.sessions.list(principal, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a session' })
  @ApiOkResponse({ type: SessionDto, headers: ETAG_HEADER })
  @ApiErrorResponses(400, 404)
  findOne(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParams,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<SessionDto> {
    return this.sessions
      .findOne(principal, params.id)
      .then((session) => withSessionETag(response, session));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change title, budget or currency' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: SessionDto, headers: ETAG_HEADER })
  @ApiErrorResponses(400, 404, 412)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParams,
    @Body() body: UpdateSessionDto,
    @IfMatchHeader() ifMatch: IfMatch,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<SessionDto> {
    return this.sessions
      .update(principal, params.id, body, ifMatch)
      .then((session) => withSessionETag(response, session));
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a session and its messages' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrorResponses(400, 404, 412)
  remove(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParams,
    @IfMatchHeader() ifMatch: IfMatch,
  ): Promise<void> {
    return this.sessions.remove(principal, params.id, ifMatch);
  }

  @Post(':id/phase')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Move the session to another phase',
    description:
      'INTAKE → CHECKLIST → PLAN → RENDER → COMPLETE → ITERATE → PLAN, plus one step back from ' +
      'CHECKLIST, PLAN and RENDER. With PAYMENTS_ENABLED, RENDER → PAYMENT → COMPLETE instead; ' +
      'without it a move to PAYMENT is a 409 PAYMENTS_DISABLED. Anything else is a 409 listing ' +
      'the allowed phases.',
  })
  @ApiOkResponse({ type: SessionDto, headers: ETAG_HEADER })
  @ApiErrorResponses(400, 404, 409)
  changePhase(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParams,
    @Body() body: ChangePhaseDto,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<SessionDto> {
    return this.sessions
      .changePhase(principal, params.id, body)
      .then((session) => withSessionETag(response, session));
  }
}

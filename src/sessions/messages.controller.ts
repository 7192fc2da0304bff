import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { ApiAuthenticated } from '../auth';
import { ApiErrorResponses } from './api-error-responses.decorator';
import { CreateMessageDto } from './dto/create-message.dto';
import { ListMessagesQuery } from './dto/list-messages.query';
import { MessagePageDto } from './dto/message-page.dto';
import { MessageDto } from './dto/message.dto';
import { SessionIdParams } from './dto/session-id.params';
import {
  ApiIdempotencyKey,
  IDEMPOTENT_REPLAYED_DOC,
  IDEMPOTENT_REPLAYED_HEADER,
} from './idempotency/api-idempotency-key.decorator';
import { IdempotencyKeyHeader } from './idempotency/idempotency-key-header.decorator';
import { MessagesService } from './messages.service';
import { CurrentPrincipal } from './principal/current-principal.decorator';
import type { Principal } from './principal/principal';

@ApiTags('messages')
@ApiAuthenticated()
@Controller('sessions/:id/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post()
  @ApiOperation({ summary: 'Post a message (201 only once it is committed)' })
  @ApiCreatedResponse({ type: MessageDto, headers: IDEMPOTENT_REPLAYED_DOC })
  @ApiErrorResponses(400, 404)
  @ApiIdempotencyKey(
    'Another request with this Idempotency-Key is still in progress ' +
      '(IDEMPOTENCY_KEY_IN_PROGRESS), or, with AGENT_MULTITASK=reject, the assistant is still ' +
      'answering in this session (CONFLICT)',
  )
  async create(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParams,
    @Body() body: CreateMessageDto,
    @IdempotencyKeyHeader() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<MessageDto> {
    const { value: message, replayed } = await this.messages.createOnce(
      principal,
      params.id,
      body,
      idempotencyKey,
    );
    if (replayed) {
      response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    }
    return message;
  }

  @Get()
  @ApiOperation({ summary: 'Messages after a seq, ascending (read and resume)' })
  @ApiOkResponse({ type: MessagePageDto })
  @ApiErrorResponses(400, 404)
  list(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParams,
    @Query() query: ListMessagesQuery,
  ): Promise<MessagePageDto> {
    return this.messages.listAfter(principal, params.id, query.after, query.limit);
  }
}

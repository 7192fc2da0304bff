import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticated } from '../auth';
import { ApiErrorResponses } from './api-error-responses.decorator';
import { CreateMessageDto } from './dto/create-message.dto';
import { ListMessagesQuery } from './dto/list-messages.query';
import { MessagePageDto } from './dto/message-page.dto';
import { MessageDto } from './dto/message.dto';
import { SessionIdParams } from './dto/session-id.params';
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
  @ApiCreatedResponse({ type: MessageDto })
  @ApiErrorResponses(400, 404)
  create(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParams,
    @Body() body: CreateMessageDto,
  ): Promise<MessageDto> {
    return this.messages.create(principal, params.id, body);
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

import { Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticated } from '../../auth';
import {
  ApiErrorResponses,
  CurrentPrincipal,
  type Principal,
  SessionIdParams,
} from '../../sessions';
import { RunDto } from './dto/run.dto';
import { RunParams } from './dto/run-params';
import { RunsService } from './runs.service';

@ApiTags('runs')
@ApiAuthenticated()
@Controller('sessions/:id/runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Get()
  @ApiOperation({ summary: "The assistant's runs in this session, newest first" })
  @ApiOkResponse({ type: [RunDto] })
  @ApiErrorResponses(400, 404)
  list(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParams,
  ): Promise<RunDto[]> {
    return this.runs.list(principal, params.id);
  }

  @Post(':runId/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Stop a run: a queued one at once, a streaming one keeps its reply so far',
  })
  @ApiOkResponse({ type: RunDto })
  @ApiErrorResponses(400, 404, 409)
  cancel(@CurrentPrincipal() principal: Principal, @Param() params: RunParams): Promise<RunDto> {
    return this.runs.cancel(principal, params.id, params.runId);
  }
}

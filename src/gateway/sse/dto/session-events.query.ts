import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class SessionEventsQuery {
  @ApiPropertyOptional({
    minimum: 0,
    example: 41,
    description:
      'Replay messages with seq greater than this before going live (a browser EventSource cannot ' +
      'set Last-Event-ID on its first request). The Last-Event-ID header wins when both are sent.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IntegerQueryField } from '../../../common/openapi/integer-query-field.decorator';

export class SessionEventsQuery {
  @IntegerQueryField({
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    example: 41,
    description:
      'Replay messages with seq greater than this before going live (a browser EventSource cannot ' +
      'set Last-Event-ID on its first request). The Last-Event-ID header wins when both are sent.',
  })
  after?: number;

  // snake_case as RFC 6750 §2.3 names it; read by AuthenticationGuard, declared so that the
  // whitelisting ValidationPipe accepts it.
  @ApiPropertyOptional({
    name: 'access_token',
    description:
      'The bearer token, for a browser EventSource that cannot set Authorization (when ' +
      'AUTH_ENABLED). The Authorization header wins when both are sent. Never logged.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(8192)
  access_token?: string;
}

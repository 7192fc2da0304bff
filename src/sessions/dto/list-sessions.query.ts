import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, MaxLength } from 'class-validator';
import { IntegerQueryField } from '../../common/openapi/integer-query-field.decorator';
import { SessionPhase } from '../session-phase';
import { StorableText } from './storable-text.decorator';

export class ListSessionsQuery {
  @IntegerQueryField({ minimum: 1, maximum: 100, default: 20, example: 20 })
  limit: number = 20;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @StorableText()
  cursor?: string;

  @ApiPropertyOptional({ enum: SessionPhase, enumName: 'SessionPhase', example: SessionPhase.PLAN })
  @IsOptional()
  @IsEnum(SessionPhase)
  phase?: SessionPhase;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEnum, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { SessionPhase } from '../session-phase';
import { NoNulCharacter } from './no-nul-character.decorator';

export class ListSessionsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20, example: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page', example: undefined })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @NoNulCharacter()
  cursor?: string;

  @ApiPropertyOptional({ enum: SessionPhase, enumName: 'SessionPhase', example: SessionPhase.PLAN })
  @IsOptional()
  @IsEnum(SessionPhase)
  phase?: SessionPhase;
}

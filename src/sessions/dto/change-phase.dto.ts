import { ApiProperty } from '@nestjs/swagger';
import { IsEnum } from 'class-validator';
import { SessionPhase } from '../session-phase';

export class ChangePhaseDto {
  @ApiProperty({ enum: SessionPhase, enumName: 'SessionPhase', example: SessionPhase.CHECKLIST })
  @IsEnum(SessionPhase)
  phase!: SessionPhase;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** `:id/runs/:runId`: both UUIDs, or a 400 with field details. */
export class RunParams {
  @ApiProperty({ format: 'uuid', description: 'The session' })
  @IsUUID('all')
  id!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  runId!: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** `:id` of every session route: a non-UUID is a 400 with field details, never a database error. */
export class SessionIdParams {
  @ApiProperty({ format: 'uuid', example: '3f0e8b9e-2a51-4c1f-9a57-5b0f3c1d2e4a' })
  @IsUUID('all')
  id!: string;
}

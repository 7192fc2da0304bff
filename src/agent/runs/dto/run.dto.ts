import { ApiProperty } from '@nestjs/swagger';
import { RunStatus } from '../run-status';

/** One run of the assistant: it answers one user message. */
export class RunDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  sessionId!: string;

  @ApiProperty({ format: 'uuid', description: 'The user message this run answers' })
  userMessageId!: string;

  @ApiProperty({ enum: RunStatus, enumName: 'RunStatus' })
  status!: RunStatus;

  @ApiProperty({
    type: 'integer',
    description: 'How many times the run was started (1 unless it was handed over)',
  })
  attempt!: number;

  @ApiProperty({ description: 'Whether its user asked it to stop' })
  cancelRequested!: boolean;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  assistantMessageId!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'rate_limited' })
  errorCode!: string | null;

  @ApiProperty({ nullable: true, type: Boolean })
  errorRetryable!: boolean | null;

  @ApiProperty({ nullable: true, type: 'integer' })
  inputTokens!: number | null;

  @ApiProperty({ nullable: true, type: 'integer' })
  outputTokens!: number | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  startedAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  firstTokenAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  finishedAt!: string | null;
}

/** The reply a run is streaming now, as far as it has got: what a client joining mid-reply needs. */
export class ActiveRunDto {
  @ApiProperty({ format: 'uuid' })
  runId!: string;

  @ApiProperty({ type: 'integer' })
  attempt!: number;

  @ApiProperty({ description: 'The reply so far; later `message.delta` events continue it' })
  text!: string;
}

import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

/** `session:join`: the session to watch, and the last seq the client saw when it resumes. */
export class JoinSessionPayload {
  @IsUUID('all')
  sessionId!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  afterSeq?: number;
}

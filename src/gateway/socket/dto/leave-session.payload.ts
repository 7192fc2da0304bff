import { IsUUID } from 'class-validator';

export class LeaveSessionPayload {
  @IsUUID('all')
  sessionId!: string;
}

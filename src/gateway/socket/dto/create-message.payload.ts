import { IsUUID } from 'class-validator';
import { CreateMessageDto } from '../../../sessions';

/** `message:create`: the REST body (same rules, inherited) plus the session it goes to. */
export class CreateMessagePayload extends CreateMessageDto {
  @IsUUID('all')
  sessionId!: string;
}

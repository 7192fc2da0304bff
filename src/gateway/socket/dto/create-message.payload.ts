import { IsUUID } from 'class-validator';
import { CreateMessageDto, IdempotencyKeyField } from '../../../sessions';

/**
 * `message:create`: the REST body (same rules, inherited) plus the session it goes to, and the
 * Idempotency-Key the REST route reads from its header.
 */
export class CreateMessagePayload extends CreateMessageDto {
  @IsUUID('all')
  sessionId!: string;

  @IdempotencyKeyField()
  idempotencyKey?: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { MessageRole } from '../message-role';
import { StorableText } from './storable-text.decorator';

export class CreateMessageDto {
  @ApiProperty({
    example: 'We want an open kitchen with an island.',
    minLength: 1,
    maxLength: 10_000,
    pattern: '\\S',
    description:
      'Must contain something other than whitespace; stored exactly as sent (not trimmed)',
  })
  @IsString()
  @Length(1, 10_000)
  @Matches(/\S/, { message: 'content must not be blank' })
  @StorableText()
  content!: string;

  /**
   * Only `user`: assistant messages are written by the assistant's runs, and a client must not put
   * words in its mouth (or instructions in a system message) in a conversation it will read.
   */
  @ApiPropertyOptional({
    enum: [MessageRole.USER],
    default: MessageRole.USER,
    example: MessageRole.USER,
    description: 'Clients post user messages only; the assistant writes its own',
  })
  @IsOptional()
  @IsIn([MessageRole.USER], { message: 'role must be "user": assistant messages come from runs' })
  role?: MessageRole;
}

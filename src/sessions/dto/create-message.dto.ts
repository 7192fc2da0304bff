import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, Length, Matches } from 'class-validator';
import { MessageRole } from '../message-role';

export class CreateMessageDto {
  @ApiProperty({
    example: 'We want an open kitchen with an island.',
    minLength: 1,
    maxLength: 10_000,
  })
  @IsString()
  @Length(1, 10_000)
  @Matches(/\S/, { message: 'content must not be blank' })
  content!: string;

  @ApiPropertyOptional({
    enum: MessageRole,
    enumName: 'MessageRole',
    default: MessageRole.USER,
    example: MessageRole.USER,
  })
  @IsOptional()
  @IsEnum(MessageRole)
  role?: MessageRole;
}

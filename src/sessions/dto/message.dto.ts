import { ApiProperty } from '@nestjs/swagger';
import { MessageRole } from '../message-role';

/** A message as the API (and the live channels) return it. */
export class MessageDto {
  @ApiProperty({ format: 'uuid', example: 'b7a1c2d3-4e5f-4a6b-8c7d-9e0f1a2b3c4d' })
  id!: string;

  @ApiProperty({ format: 'uuid', example: '3f0e8b9e-2a51-4c1f-9a57-5b0f3c1d2e4a' })
  sessionId!: string;

  @ApiProperty({
    type: 'integer',
    example: 42,
    description: 'Database-wide increasing position: the order and the resume cursor (`after`)',
  })
  seq!: number;

  @ApiProperty({ enum: MessageRole, enumName: 'MessageRole', example: MessageRole.USER })
  role!: MessageRole;

  @ApiProperty({ example: 'We want an open kitchen with an island.' })
  content!: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-31T09:16:00.000Z' })
  createdAt!: string;
}

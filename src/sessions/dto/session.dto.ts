import { ApiProperty } from '@nestjs/swagger';
import { SessionPhase } from '../session-phase';

/** A renovation session as the API returns it. */
export class SessionDto {
  @ApiProperty({ format: 'uuid', example: '3f0e8b9e-2a51-4c1f-9a57-5b0f3c1d2e4a' })
  id!: string;

  @ApiProperty({ example: 'Kitchen remodel', minLength: 1, maxLength: 200 })
  title!: string;

  @ApiProperty({ enum: SessionPhase, enumName: 'SessionPhase', example: SessionPhase.INTAKE })
  phase!: SessionPhase;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '1234.50',
    description: 'Exact decimal as a string (numeric(14,2)); null when not set',
  })
  totalBudget!: string | null;

  @ApiProperty({ example: 'USD', description: 'ISO 4217 currency code' })
  currency!: string;

  @ApiProperty({ format: 'uuid', example: '00000000-0000-4000-8000-000000000001' })
  ownerId!: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-31T09:15:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-31T09:20:00.000Z' })
  updatedAt!: string;

  @ApiProperty({
    type: 'integer',
    example: 1,
    description: 'Increases on every change; the ETag',
  })
  version!: number;
}

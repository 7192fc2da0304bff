import { ApiProperty } from '@nestjs/swagger';

/** `GET /health`: who is answering. No I/O; for the probe verdict use /health/ready. */
export class HealthInfoDto {
  @ApiProperty({
    example: 'ok',
    enum: ['ok', 'starting', 'draining', 'stopped'],
    description: "'ok' while the lifecycle is READY, otherwise the lifecycle phase",
  })
  status!: 'ok' | 'starting' | 'draining' | 'stopped';

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  timestamp!: string;

  @ApiProperty({ example: 'production', enum: ['development', 'test', 'staging', 'production'] })
  environment!: string;

  @ApiProperty({ example: '0.1.0', description: 'From package.json' })
  version!: string;
}

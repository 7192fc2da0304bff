import { ApiProperty } from '@nestjs/swagger';

const CHECKS_EXAMPLE = {
  lifecycle: { status: 'up', phase: 'READY' },
  database: { status: 'up', latencyMs: 1 },
  listener: { status: 'up' },
  features: { status: 'up', auth: true, payments: false },
};

/**
 * `GET /health/ready` when ready: Terminus' result. When not ready the answer is a 503 in the
 * error envelope, code NOT_READY, whose details list each check.
 */
export class ReadinessDto {
  @ApiProperty({ example: 'ok', enum: ['ok'] })
  status!: 'ok';

  @ApiProperty({ type: 'object', additionalProperties: true, example: CHECKS_EXAMPLE })
  info!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, example: {} })
  error!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, example: CHECKS_EXAMPLE })
  details!: Record<string, unknown>;
}

import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';

export class MemoryMbDto {
  @ApiProperty({ example: 42.1 })
  heapUsed!: number;

  @ApiProperty({ example: 64 })
  heapTotal!: number;

  @ApiProperty({ example: 120.5 })
  rss!: number;
}

export class DatabasePoolDto {
  @ApiProperty({ type: 'integer', example: 3, description: 'Connections open (idle + in use)' })
  total!: number;

  @ApiProperty({ type: 'integer', example: 2 })
  idle!: number;

  @ApiProperty({
    type: 'integer',
    example: 0,
    description: 'Queries waiting for a free connection',
  })
  waiting!: number;

  @ApiProperty({ type: 'integer', example: 10, description: 'DB_POOL_MAX' })
  max!: number;
}

export class DatabaseStatusDto {
  @ApiProperty({ type: DatabasePoolDto })
  pool!: DatabasePoolDto;

  @ApiProperty({ example: true, description: 'The LISTEN connection for domain events is up' })
  listening!: boolean;
}

export class RequestsStatusDto {
  @ApiProperty({
    type: 'integer',
    example: 1,
    description: 'Responses not yet finished (this one included)',
  })
  inFlight!: number;

  @ApiProperty({
    type: 'integer',
    example: 1234,
    description: 'Responses finished since the process started',
  })
  completed!: number;
}

export class FeaturesDto {
  @ApiProperty({ example: true, description: 'Swagger UI at /api-docs (SWAGGER_ENABLED)' })
  docs!: boolean;

  @ApiProperty({ example: false, description: '/health/status and /metrics need HEALTH_TOKEN' })
  healthToken!: boolean;

  @ApiProperty({ example: true, description: 'Pending migrations run at boot (DB_MIGRATIONS_RUN)' })
  migrationsRun!: boolean;

  @ApiProperty({
    example: true,
    description: 'API routes need a bearer JWT (AUTH_ENABLED); otherwise all act as LOCAL_OWNER_ID',
  })
  auth!: boolean;

  @ApiProperty({
    example: false,
    description: 'Sessions pass through the PAYMENT phase (PAYMENTS_ENABLED)',
  })
  payments!: boolean;
}

/** `GET /health/status`: what an operator wants to see at a glance. Behind HEALTH_TOKEN. */
export class ProviderErrorDto {
  @ApiProperty({ example: 'rate_limited' })
  code!: string;

  @ApiProperty({ example: 'gemini model "gemini-2.5-flash": rate_limited: quota exceeded' })
  message!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;
}

@ApiExtraModels(ProviderErrorDto)
export class AgentStatusDto {
  @ApiProperty({ example: 'gemini', enum: ['gemini', 'offline'] })
  provider!: string;

  @ApiProperty({ example: 'gemini-2.5-flash' })
  model!: string;

  @ApiProperty({ description: 'This instance claims runs (AGENT_RUNS_ENABLED)' })
  runsEnabled!: boolean;

  @ApiProperty({ type: 'integer', example: 1, description: 'Runs streaming on this instance now' })
  runningHere!: number;

  @ApiProperty({
    example: 3,
    nullable: true,
    type: 'integer',
    description: 'Runs queued, all replicas',
  })
  queued!: number | null;

  @ApiProperty({
    example: 2,
    nullable: true,
    type: 'integer',
    description: 'Runs running, all replicas',
  })
  running!: number | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When counted' })
  countedAt!: string | null;

  // allOf without `type: object`, which would make null fail the allOf (OpenAPI 3.0 nullable).
  @ApiProperty({
    allOf: [{ $ref: getSchemaPath(ProviderErrorDto) }],
    nullable: true,
    description: 'The last error the model gave; readiness never depends on it',
  })
  lastProviderError!: ProviderErrorDto | null;
}

export class HealthStatusDto {
  @ApiProperty({ example: 'READY', enum: ['STARTING', 'READY', 'DRAINING', 'STOPPED'] })
  lifecycle!: string;

  @ApiProperty({ example: 3600.5, description: 'Process uptime in seconds' })
  uptimeSeconds!: number;

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ example: 'v20.19.0' })
  nodeVersion!: string;

  @ApiProperty({ example: 'production' })
  environment!: string;

  @ApiProperty({ type: MemoryMbDto, description: 'process.memoryUsage() in MB' })
  memoryMb!: MemoryMbDto;

  @ApiProperty({ type: DatabaseStatusDto })
  database!: DatabaseStatusDto;

  @ApiProperty({ type: RequestsStatusDto })
  requests!: RequestsStatusDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { sse: 2, 'socket.io': 5 },
    description: 'Open long-lived connections by kind',
  })
  connections!: Record<string, number>;

  @ApiProperty({ type: AgentStatusDto })
  agent!: AgentStatusDto;

  @ApiProperty({ type: FeaturesDto })
  features!: FeaturesDto;
}

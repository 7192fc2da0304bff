import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { Registry } from 'prom-client';
import { PublicRoute } from '../../auth';
import { ErrorEnvelope } from '../../common/errors/error-envelope';
import { HEALTH_TOKEN_SCHEME, HealthTokenGuard } from '../auth/health-token.guard';

/** Prometheus scrape endpoint, outside the /api prefix; behind HEALTH_TOKEN when it is set. */
@ApiTags('health')
@PublicRoute()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get()
  @UseGuards(HealthTokenGuard)
  @ApiBearerAuth(HEALTH_TOKEN_SCHEME)
  // The scrape is text/plain; its 401 is the JSON envelope like every error, so no @ApiProduces.
  @ApiOkResponse({
    description: 'Prometheus text exposition format 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiUnauthorizedResponse({ type: ErrorEnvelope, description: 'HEALTH_TOKEN is set and missing' })
  async metrics(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.setHeader('Content-Type', this.registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    return this.registry.metrics();
  }
}

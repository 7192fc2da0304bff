import { Controller, Get, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import { PublicRoute } from '../auth';
import { ErrorEnvelope } from '../common/errors/error-envelope';
import { HEALTH_TOKEN_SCHEME } from './auth/health-token.guard';
import { HealthTokenGuard } from './auth/health-token.guard';
import { HealthInfoDto } from './dto/health-info.dto';
import { HealthStatusDto } from './dto/health-status.dto';
import { LivenessDto } from './dto/liveness.dto';
import { ReadinessDto } from './dto/readiness.dto';
import { ReadinessService } from './readiness/readiness.service';
import { HealthStatusService } from './status/health-status.service';

/**
 * Outside the /api prefix (see app.setup.ts), logged at debug only, never rate-limited, and never
 * behind the API's authentication (probes carry no token; the status page has HEALTH_TOKEN).
 */
@ApiTags('health')
@PublicRoute()
@Controller('health')
export class HealthController {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly statusService: HealthStatusService,
  ) {}

  @Get()
  @ApiOkResponse({ type: HealthInfoDto })
  info(): HealthInfoDto {
    return this.statusService.info();
  }

  /** Liveness: answers whenever the event loop does. No I/O, and it stays 200 while draining. */
  @Get('live')
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok', timestamp: new Date().toISOString() };
  }

  /** Readiness: 200 only when this instance should get traffic. */
  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({
    type: ErrorEnvelope,
    description: 'Starting, draining, or a dependency is down (code NOT_READY)',
  })
  ready(): Promise<HealthCheckResult> {
    return this.readiness.check();
  }

  @Get('status')
  @UseGuards(HealthTokenGuard)
  @ApiBearerAuth(HEALTH_TOKEN_SCHEME)
  @ApiOkResponse({ type: HealthStatusDto })
  @ApiUnauthorizedResponse({ type: ErrorEnvelope, description: 'HEALTH_TOKEN is set and missing' })
  status(): HealthStatusDto {
    return this.statusService.status();
  }
}

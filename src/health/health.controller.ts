import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { LivenessDto } from './dto/liveness.dto';

@ApiTags('health')
@Controller('health')
export class HealthController {
  /** Liveness: answers whenever the event loop does. No I/O, and it stays 200 while draining. */
  @Get('live')
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok', timestamp: new Date().toISOString() };
  }
}

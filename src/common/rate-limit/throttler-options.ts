import type { ConfigService } from '@nestjs/config';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { AppConfig } from '../../config/app-config';

const MINUTE_MS = 60_000;

/**
 * One limit: RATE_LIMIT_PER_MINUTE writes in any sliding minute. `blockDuration: 0` makes it a
 * sliding window (a refused write waits only until its oldest counted write is a minute old)
 * rather than a minute-long ban from the first refusal. The name 'default' keeps the headers
 * plain: Retry-After, X-RateLimit-Limit, -Remaining, -Reset.
 */
export function throttlerOptions(config: ConfigService<AppConfig, true>): ThrottlerModuleOptions {
  const { perMinute } = config.getOrThrow('rateLimit', { infer: true });
  return {
    throttlers: [
      { name: 'default', ttl: MINUTE_MS, limit: Math.max(1, perMinute), blockDuration: 0 },
    ],
  };
}

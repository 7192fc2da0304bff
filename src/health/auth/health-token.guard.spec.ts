import type { ExecutionContext } from '@nestjs/common';
import { UnauthorizedException } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../../config/app-config';
import { bearerMatches, HealthTokenGuard } from './health-token.guard';

const TOKEN = 'a-health-token-of-some-length';

function guardWith(token: string | undefined): HealthTokenGuard {
  const config = { getOrThrow: () => ({ token }) } as unknown as ConfigService<AppConfig, true>;
  return new HealthTokenGuard(config);
}

function contextWith(authorization: string | undefined): {
  context: ExecutionContext;
  headers: Record<string, string>;
} {
  const headers: Record<string, string> = {};
  const response = { setHeader: (name: string, value: string) => (headers[name] = value) };
  const context = {
    switchToHttp: () => ({
      getRequest: () => ({ headers: { authorization } }),
      getResponse: () => response,
    }),
  } as unknown as ExecutionContext;
  return { context, headers };
}

describe('bearerMatches', () => {
  it.each([
    [`Bearer ${TOKEN}`, true],
    [`bearer ${TOKEN}`, true],
    [`Bearer ${TOKEN}x`, false],
    [`Bearer ${TOKEN.slice(0, -1)}`, false],
    [TOKEN, false],
    [`Basic ${TOKEN}`, false],
    ['Bearer ', false],
    ['', false],
    [undefined, false],
  ])('should judge %p as %p', (header, expected) => {
    expect(bearerMatches(header, TOKEN)).toBe(expected);
  });
});

describe('HealthTokenGuard', () => {
  it('should let everything through when no token is configured', () => {
    expect(guardWith(undefined).canActivate(contextWith(undefined).context)).toBe(true);
  });

  it('should accept the configured token', () => {
    expect(guardWith(TOKEN).canActivate(contextWith(`Bearer ${TOKEN}`).context)).toBe(true);
  });

  it('should refuse a wrong token with 401 and a WWW-Authenticate challenge', () => {
    const { context, headers } = contextWith('Bearer wrong');

    expect(() => guardWith(TOKEN).canActivate(context)).toThrow(UnauthorizedException);
    expect(headers['WWW-Authenticate']).toBe('Bearer realm="health"');
  });
});

import { type AppConfig, toAppConfig } from './app-config';
import { ConfigValidationError, loadEnv } from './load-env';

/** The typed config as startup builds it; the URL stands for whatever startup decided. */
const loadConfig = (env: NodeJS.ProcessEnv): AppConfig =>
  toAppConfig(loadEnv(env), '0.0.0', 'postgres://postgres@127.0.0.1:5432/app');

const AUTH = {
  AUTH_JWT_SECRET: 'a-secret-of-at-least-thirty-two-characters',
  AUTH_ISSUER: 'https://auth.example.com/',
  AUTH_AUDIENCE: 'renovation-api',
};

describe('loadEnv, then toAppConfig', () => {
  it('should apply defaults for a bare development environment', () => {
    const env = loadEnv({});
    const config = loadConfig({});

    expect(config.app).toMatchObject({ env: 'development', port: 3000, logLevel: 'debug' });
    // No URL: startup starts the embedded database on its default port.
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.EMBEDDED_PG_PORT).toBe(54329);
    expect(config.db).toMatchObject({ migrationsRun: true });
    expect(config.docs.enabled).toBe(true);
  });

  it('should be silent under test and turn Swagger off in production', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).app.logLevel).toBe('silent');
    const production = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u:p@db:5432/app',
      HEALTH_TOKEN: 'a-long-enough-secret-token',
      ...AUTH,
    });
    expect(production.docs.enabled).toBe(false);
    expect(production.db.migrationsRun).toBe(false);
  });

  it('should treat empty strings as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).app.port).toBe(3000);
  });

  it('should report every invalid variable at once', () => {
    let caught: unknown;
    try {
      loadConfig({
        PORT: 'abc',
        NODE_ENV: 'prod',
        DATABASE_URL: 'http://x',
        SWAGGER_ENABLED: 'maybe',
      });
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ConfigValidationError);
    const problems = (caught as ConfigValidationError).problems;
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(
      expect.arrayContaining(['PORT', 'NODE_ENV', 'DATABASE_URL', 'SWAGGER_ENABLED']),
    );
  });

  it('should listen on loopback only in development, and on every interface elsewhere', () => {
    expect(loadConfig({}).app.host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'test' }).app.host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).app.host).toBe('0.0.0.0');
  });

  it('should require HEALTH_TOKEN in production and staging', () => {
    for (const NODE_ENV of ['production', 'staging']) {
      expect(() => loadConfig({ NODE_ENV, DATABASE_URL: 'postgres://u:p@db:5432/app' })).toThrow(
        new RegExp(`HEALTH_TOKEN: required when NODE_ENV=${NODE_ENV}`),
      );
    }
    expect(loadConfig({ NODE_ENV: 'test' }).health.token).toBeUndefined();
  });

  it('should require DATABASE_URL in production and staging', () => {
    expect(() => loadConfig({ NODE_ENV: 'staging' })).toThrow(
      /DATABASE_URL: required when NODE_ENV=staging/,
    );
  });
});

describe('AUTH_ENABLED and its settings', () => {
  const DEPLOYED = {
    DATABASE_URL: 'postgres://u:p@db:5432/app',
    HEALTH_TOKEN: 'a-long-enough-secret-token',
  };

  it('should be on in production and staging, off in development and test', () => {
    expect(loadConfig({ NODE_ENV: 'production', ...DEPLOYED, ...AUTH }).auth.enabled).toBe(true);
    expect(loadConfig({ NODE_ENV: 'staging', ...DEPLOYED, ...AUTH }).auth.enabled).toBe(true);
    expect(loadConfig({}).auth.enabled).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test' }).auth.enabled).toBe(false);
  });

  it('should be turned off in production only by AUTH_ENABLED=false, and on anywhere by true', () => {
    const off = loadConfig({ NODE_ENV: 'production', ...DEPLOYED, AUTH_ENABLED: 'false' });
    expect(off.auth.enabled).toBe(false);
    const on = loadConfig({ NODE_ENV: 'test', AUTH_ENABLED: 'true', ...AUTH });
    expect(on.auth).toMatchObject({
      enabled: true,
      jwtSecret: AUTH.AUTH_JWT_SECRET,
      issuer: AUTH.AUTH_ISSUER,
      audience: AUTH.AUTH_AUDIENCE,
      clockToleranceSeconds: 30,
    });
  });

  it('should fail production without a secret or JWKS URL, naming every missing piece at once', () => {
    let caught: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', ...DEPLOYED });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    expect((caught as ConfigValidationError).problems).toEqual([
      expect.stringMatching(
        /^AUTH_JWT_SECRET or AUTH_JWKS_URL: one is required when NODE_ENV=production/,
      ),
      expect.stringMatching(/^AUTH_ISSUER: required/),
      expect.stringMatching(/^AUTH_AUDIENCE: required/),
    ]);
  });

  it('should refuse a secret and a JWKS URL together, a short secret and a bad URL', () => {
    expect(() =>
      loadConfig({ AUTH_ENABLED: 'true', ...AUTH, AUTH_JWKS_URL: 'https://a.example.com/jwks' }),
    ).toThrow(/AUTH_JWT_SECRET and AUTH_JWKS_URL: set one, not both/);
    expect(() => loadConfig({ AUTH_JWT_SECRET: 'short' })).toThrow(/at least 32 characters/);
    expect(() => loadConfig({ AUTH_JWKS_URL: 'ftp://keys' })).toThrow(/AUTH_JWKS_URL: expected/);
    expect(() => loadConfig({ AUTH_CLOCK_TOLERANCE_S: '-1' })).toThrow(/AUTH_CLOCK_TOLERANCE_S/);
  });

  it('should accept a JWKS URL instead of a secret', () => {
    const config = loadConfig({
      AUTH_ENABLED: 'true',
      AUTH_ISSUER: AUTH.AUTH_ISSUER,
      AUTH_AUDIENCE: AUTH.AUTH_AUDIENCE,
      AUTH_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
    });
    expect(config.auth).toMatchObject({ enabled: true, jwtSecret: undefined });
  });
});

describe('PAYMENTS_ENABLED', () => {
  it('should be off by default everywhere, and on when set', () => {
    expect(loadConfig({}).payments.enabled).toBe(false);
    expect(loadConfig({ PAYMENTS_ENABLED: 'true' }).payments.enabled).toBe(true);
    expect(() => loadConfig({ PAYMENTS_ENABLED: 'sure' })).toThrow(/PAYMENTS_ENABLED/);
  });
});

describe('CORS_ORIGINS', () => {
  it("should accept '*' and a comma-separated list of origins", () => {
    expect(loadConfig({ CORS_ORIGINS: '*' }).cors.origins).toBe('*');
    expect(
      loadConfig({ CORS_ORIGINS: 'https://a.example.com, http://localhost:5173' }).cors.origins,
    ).toEqual(['https://a.example.com', 'http://localhost:5173']);
    expect(loadConfig({}).cors.origins).toBeUndefined();
  });

  it('should refuse something that is not an origin', () => {
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example.com/path' })).toThrow(
      /CORS_ORIGINS: expected/,
    );
    expect(() => loadConfig({ CORS_ORIGINS: 'example.com' })).toThrow(/CORS_ORIGINS/);
  });
});

import { type AppConfig, toAppConfig } from './app-config';
import { ConfigValidationError, loadEnv } from './load-env';

/** The typed config as startup builds it; the URL stands for whatever startup decided. */
const loadConfig = (env: NodeJS.ProcessEnv): AppConfig =>
  toAppConfig(loadEnv(env), '0.0.0', 'postgres://postgres@127.0.0.1:5432/app');

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

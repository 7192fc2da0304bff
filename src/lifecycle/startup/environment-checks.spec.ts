import type { DataSource } from 'typeorm';
import { type AppConfig, toAppConfig } from '../../config/app-config';
import { loadEnv } from '../../config/load-env';
import { checkEnvironment, EnvironmentCheckError } from './environment-checks';

function postgres(versionNum: number): DataSource {
  return {
    query: () => Promise.resolve([{ server_version_num: String(versionNum) }]),
  } as unknown as DataSource;
}

const DATABASE_URL = 'postgres://u:p@db:5432/app';
const loadConfig = (env: Record<string, string>): AppConfig =>
  toAppConfig(loadEnv(env), '0.0.0', DATABASE_URL);
const AUTH = {
  AUTH_JWT_SECRET: 'a-secret-of-at-least-thirty-two-characters',
  AUTH_ISSUER: 'https://auth.example.com/',
  AUTH_AUDIENCE: 'renovation-api',
};
const production = (env: Record<string, string> = {}) =>
  loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL,
    HEALTH_TOKEN: 'a-long-enough-secret-token',
    ...AUTH,
    ...env,
  });

describe('checkEnvironment', () => {
  it('should stop production on a Postgres older than 15', async () => {
    await expect(checkEnvironment(production(), postgres(140011))).rejects.toThrow(
      EnvironmentCheckError,
    );
    await expect(checkEnvironment(production(), postgres(140011))).rejects.toThrow(
      /PostgreSQL 15\+ required, found 14\.11/,
    );
  });

  it('should only warn about an old Postgres in development', async () => {
    const report = await checkEnvironment(loadConfig({}), postgres(140011));
    expect(report.warnings).toEqual([expect.stringMatching(/PostgreSQL 15\+ required/)]);
  });

  it('should warn in production about Swagger and debug logging', async () => {
    const report = await checkEnvironment(
      production({ SWAGGER_ENABLED: 'true', LOG_LEVEL: 'debug' }),
      postgres(150020),
    );
    expect(report.postgresVersion).toBe('15.20');
    expect(report.warnings).toEqual([
      expect.stringMatching(/Swagger UI is enabled in production/),
      expect.stringMatching(/LOG_LEVEL=debug/),
    ]);
  });

  it.each(['production', 'staging'])(
    'should warn at every start of %s with AUTH_ENABLED=false',
    async (environment) => {
      const report = await checkEnvironment(
        loadConfig({
          NODE_ENV: environment,
          DATABASE_URL,
          AUTH_ENABLED: 'false',
          HEALTH_TOKEN: 'a-long-enough-secret-token',
        }),
        postgres(150020),
      );
      expect(report.warnings).toEqual([
        expect.stringMatching(new RegExp(`AUTH_ENABLED=false in ${environment}`)),
      ]);
    },
  );

  it('should not warn about authentication off in development', async () => {
    const report = await checkEnvironment(loadConfig({}), postgres(150020));
    expect(report.warnings).toEqual([]);
  });

  it('should pass a well-configured production quietly', async () => {
    const report = await checkEnvironment(production(), postgres(150020));
    expect(report.warnings).toEqual([]);
  });
});

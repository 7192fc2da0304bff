import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';

export const MIN_POSTGRES_MAJOR = 15;

export class EnvironmentCheckError extends Error {
  constructor(problems: string[]) {
    super(`environment checks failed: ${problems.join('; ')}`);
    this.name = 'EnvironmentCheckError';
  }
}

export interface EnvironmentReport {
  postgresVersion: string;
  warnings: string[];
}

/**
 * What production and staging must have beyond a valid configuration. Development and test only
 * report. Errors stop startup; warnings are logged.
 */
export async function checkEnvironment(
  config: AppConfig,
  dataSource: DataSource,
): Promise<EnvironmentReport> {
  const rows =
    await dataSource.query<Array<{ server_version_num: string }>>('SHOW server_version_num');
  const versionNum = Number(rows[0]?.server_version_num ?? 0);
  const postgresVersion = `${Math.floor(versionNum / 10000)}.${versionNum % 10000}`;
  const deployed = config.app.env === 'production' || config.app.env === 'staging';
  const problems: string[] = [];
  const warnings: string[] = [];

  if (Math.floor(versionNum / 10000) < MIN_POSTGRES_MAJOR) {
    (deployed ? problems : warnings).push(
      `PostgreSQL ${MIN_POSTGRES_MAJOR}+ required, found ${postgresVersion}`,
    );
  }
  if (deployed) {
    if (!config.auth.enabled) {
      warnings.push(
        `AUTH_ENABLED=false in ${config.app.env}: no authentication, every caller acts as LOCAL_OWNER_ID and sees every session of it`,
      );
    }
    if (config.docs.enabled) {
      warnings.push(`Swagger UI is enabled in ${config.app.env} (SWAGGER_ENABLED=true)`);
    }
    if (config.app.logLevel === 'debug' || config.app.logLevel === 'trace') {
      warnings.push(`LOG_LEVEL=${config.app.logLevel} in ${config.app.env} logs every probe`);
    }
  }
  if (problems.length > 0) {
    throw new EnvironmentCheckError(problems);
  }
  return { postgresVersion, warnings };
}

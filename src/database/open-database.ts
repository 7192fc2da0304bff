import type { LoggerService } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { connectWithRetry } from './connect-with-retry';
import { dataSourceOptions, describeDatabaseUrl, type EntityList } from './data-source-options';

/** Creates the DataSource from configuration and connects it within DB_CONNECT_TIMEOUT_MS. */
export async function openDatabase(
  db: AppConfig['db'],
  entities: EntityList,
  logger: Pick<LoggerService, 'warn'>,
): Promise<DataSource> {
  const dataSource = new DataSource(
    dataSourceOptions(db.url, entities, db.poolMax, db.statementTimeoutMs, db.sessionSettings),
  );
  await connectWithRetry(dataSource, db.url, db.connectTimeoutMs, (attempt, cause, delayMs) => {
    logger.warn(
      `${describeDatabaseUrl(db.url)}: attempt ${attempt} failed (${cause}); retrying in ${delayMs} ms`,
    );
  });
  return dataSource;
}

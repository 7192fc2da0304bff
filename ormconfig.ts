import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './src/database/data-source-options';
import { ENTITIES } from './src/entities';

/**
 * For the typeorm CLI (`npm run migration:*`). Points at DATABASE_URL, or at the embedded development
 * database that `npm start` runs (default port 54329).
 */
const url =
  process.env.DATABASE_URL ??
  `postgres://postgres:postgres@127.0.0.1:${process.env.EMBEDDED_PG_PORT ?? '54329'}/renovation`;

export default new DataSource(dataSourceOptions(url, ENTITIES));

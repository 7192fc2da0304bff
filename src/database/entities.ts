import type { DataSourceOptions } from 'typeorm';

/** Every entity the DataSource knows, listed explicitly (feature modules add theirs here). */
export const ENTITIES: NonNullable<DataSourceOptions['entities']> = [];

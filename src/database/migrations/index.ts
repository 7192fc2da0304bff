/** Every migration, in order, listed explicitly so the build and the CLI run the same set. */
import type { MigrationInterface } from 'typeorm';

export const MIGRATIONS: Array<new () => MigrationInterface> = [];

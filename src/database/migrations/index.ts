/** Every migration, in order, listed explicitly so the build and the CLI run the same set. */
import type { MigrationInterface } from 'typeorm';
import { CreateSessionsAndMessages1795323103653 } from './1795323103653-CreateSessionsAndMessages';
import { CreateAgentRuns1796114989974 } from './1796114989974-CreateAgentRuns';
import { CreateIdempotencyKeys1796393861725 } from './1796393861725-CreateIdempotencyKeys';

export const MIGRATIONS: Array<new () => MigrationInterface> = [
  CreateSessionsAndMessages1795323103653,
  CreateAgentRuns1796114989974,
  CreateIdempotencyKeys1796393861725,
];

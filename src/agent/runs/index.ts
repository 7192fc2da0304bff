import { AgentRun } from './agent-run.entity';

/** The tables of the assistant, for the DataSource's entity list (src/entities.ts). */
export const AGENT_ENTITIES = [AgentRun];

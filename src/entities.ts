import type { EntityList } from './database/data-source-options';
// The entities folder, not the feature's index: the typeorm CLI (ormconfig.ts) loads this file
// through ts-node and needs the entity classes only, not the whole feature.
import { AGENT_ENTITIES } from './agent/runs';
import { SESSIONS_ENTITIES } from './sessions/entities';

/**
 * Every entity the DataSource knows, for the app and the typeorm CLI alike. App-level wiring, like
 * app.module.ts: src/database/ knows no feature, so each feature's list is added here.
 */
export const ENTITIES: EntityList = [...SESSIONS_ENTITIES, ...AGENT_ENTITIES];

import { IdempotencyKey } from './idempotency-key.entity';
import { Message } from './message.entity';
import { RenovationSession } from './renovation-session.entity';

/** The tables of this feature, for the DataSource's entity list (src/entities.ts). */
export const SESSIONS_ENTITIES = [RenovationSession, Message, IdempotencyKey];

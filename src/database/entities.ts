import type { DataSourceOptions } from 'typeorm';
import { Message } from '../sessions/entities/message.entity';
import { RenovationSession } from '../sessions/entities/renovation-session.entity';

/** Every entity the DataSource knows, listed explicitly (feature modules add theirs here). */
export const ENTITIES: NonNullable<DataSourceOptions['entities']> = [RenovationSession, Message];

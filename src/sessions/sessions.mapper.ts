import type { MessageDto } from './dto/message.dto';
import type { SessionDto } from './dto/session.dto';
import type { MessageRole } from './message-role';
import type { SessionPhase } from './session-phase';

/** What `SESSION_COLUMNS` selects: snake_case, as Postgres and the pg driver give it. */
export interface SessionRow {
  id: string;
  title: string;
  phase: SessionPhase;
  total_budget: string | null;
  currency: string;
  owner_id: string;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export const SESSION_COLUMNS =
  'id, title, phase, total_budget, currency, owner_id, created_at, updated_at, version';

export interface MessageRow {
  id: string;
  session_id: string;
  /** bigint: the pg driver returns it as text. */
  seq: string;
  role: MessageRole;
  content: string;
  created_at: Date;
}

export const MESSAGE_COLUMNS = 'id, session_id, seq, role, content, created_at';

export function toSessionDto(row: SessionRow): SessionDto {
  return {
    id: row.id,
    title: row.title,
    phase: row.phase,
    // numeric stays the driver's exact decimal text ("1234.50"): never through a float.
    totalBudget: row.total_budget,
    currency: row.currency,
    ownerId: row.owner_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

export function toMessageDto(row: MessageRow): MessageDto {
  return {
    id: row.id,
    sessionId: row.session_id,
    // Safe as a JSON number up to 2^53, far beyond what one database will ever allocate.
    seq: Number(row.seq),
    role: row.role,
    content: row.content,
    createdAt: row.created_at.toISOString(),
  };
}

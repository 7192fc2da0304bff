import type { SessionDto } from './dto/session.dto';
import type { SessionRow } from './sql/session.sql';

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

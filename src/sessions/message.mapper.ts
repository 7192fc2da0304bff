import type { MessageDto } from './dto/message.dto';
import type { MessageRow } from './sql/message.sql';

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

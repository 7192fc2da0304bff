import type { RunRow } from '../sql/run.sql';
import type { ActiveRunDto, RunDto } from './dto/run.dto';

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

export function toRunDto(row: RunRow): RunDto {
  return {
    id: row.id,
    sessionId: row.session_id,
    userMessageId: row.user_message_id,
    status: row.status,
    attempt: row.attempt,
    cancelRequested: row.cancel_requested,
    assistantMessageId: row.assistant_message_id,
    errorCode: row.error_code,
    errorRetryable: row.error_retryable,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    firstTokenAt: iso(row.first_token_at),
    finishedAt: iso(row.finished_at),
  };
}

export function toActiveRunDto(row: RunRow): ActiveRunDto {
  return { runId: row.id, attempt: row.attempt, text: row.partial_text };
}

/** Who wrote a message (Postgres enum `message_role`). */
export enum MessageRole {
  USER = 'user',
  ASSISTANT = 'assistant',
  SYSTEM = 'system',
}

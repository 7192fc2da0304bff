import { MessagesService, type MessageDto, type Principal } from '../../sessions';

const PAGE_SIZE = 200;

/**
 * Every message of the session with seq > afterSeq, ascending, read page by page: what a
 * resuming client missed. Throws SessionNotFoundException for an unknown or foreign session.
 */
export async function messagesAfter(
  messages: MessagesService,
  principal: Principal,
  sessionId: string,
  afterSeq: number,
): Promise<MessageDto[]> {
  const all: MessageDto[] = [];
  let cursor: number | null = afterSeq;
  while (cursor !== null) {
    const page = await messages.listAfter(principal, sessionId, cursor, PAGE_SIZE);
    all.push(...page.items);
    cursor = page.nextAfter;
  }
  return all;
}

import { MessagesService, type MessageDto, type Principal } from '../../sessions';

/** What a resuming client gets in one answer: at most `max` missed messages and where to go on. */
export type ResumePage =
  | {
      kind: 'page';
      /** Messages with seq > afterSeq, ascending, at most `max`. */
      missed: MessageDto[];
      /** More messages follow `missed`: continue after `nextAfter`. */
      hasMore: boolean;
      /** The seq to continue after when hasMore (the last of `missed`), else null. */
      nextAfter: number | null;
    }
  | {
      /**
       * afterSeq lies beyond the session's newest message: a seq this session never had (an id
       * from before a database restore, or another environment's). Resuming from it would skip
       * every message below it, so the client is told the real newest seq and reloads instead.
       */
      kind: 'unknown_seq';
      lastSeq: number;
    };

/**
 * One bounded page of what a resuming client missed after `afterSeq`. Bounded because a join ack
 * and an SSE catch-up are built in memory whole: an unbounded one grew with the conversation
 * (15 MB for 1,500 messages of 10,000 characters, per client). Throws SessionNotFoundException for
 * an unknown or foreign session.
 */
export async function resumePage(
  messages: MessagesService,
  principal: Principal,
  sessionId: string,
  afterSeq: number,
  max: number,
): Promise<ResumePage> {
  const page = await messages.listAfter(principal, sessionId, afterSeq, max);
  if (page.items.length === 0 && afterSeq > 0) {
    // Nothing after it: either up to date, or a seq beyond the newest. Only then is the newest
    // read, so an ordinary resume costs no extra statement.
    const [newest] = await messages.latest(principal, sessionId, 1);
    const lastSeq = newest?.seq ?? 0;
    if (afterSeq > lastSeq) {
      return { kind: 'unknown_seq', lastSeq };
    }
  }
  return {
    kind: 'page',
    missed: page.items,
    hasMore: page.nextAfter !== null,
    nextAfter: page.nextAfter,
  };
}

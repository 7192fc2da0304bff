import { BadRequestException } from '@nestjs/common';

const SEQ = /^\d{1,15}$/;

/**
 * The seq to resume after: the Last-Event-ID header (sent by an EventSource on reconnect, so it
 * is newer than any `after` still in the URL) or else the `after` query parameter.
 */
export function resumeAfter(
  lastEventId: string | undefined,
  after: number | undefined,
): number | undefined {
  if (lastEventId === undefined || lastEventId.trim() === '') {
    return after;
  }
  const value = lastEventId.trim();
  if (!SEQ.test(value)) {
    throw new BadRequestException({
      message: 'Last-Event-ID must be the seq of a message (a whole number)',
      code: 'INVALID_LAST_EVENT_ID',
    });
  }
  return Number(value);
}

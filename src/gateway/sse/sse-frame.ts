export interface SseFrame {
  event?: string;
  /** Becomes the client's Last-Event-ID; only message frames carry one (their seq). */
  id?: string;
  /** Reconnection delay the client should use from now on. */
  retry?: number;
  data?: unknown;
}

const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * One event in the text/event-stream format. Data is JSON, so it never contains a line break,
 * but ids and event names come from our own values and are still stripped of any: a line break
 * there would let a value inject fields into the stream.
 */
export function formatSseFrame(frame: SseFrame): string {
  const lines: string[] = [];
  if (frame.event !== undefined) {
    lines.push(`event: ${frame.event.replace(LINE_BREAK, '')}`);
  }
  if (frame.id !== undefined) {
    lines.push(`id: ${frame.id.replace(LINE_BREAK, '')}`);
  }
  if (frame.retry !== undefined) {
    lines.push(`retry: ${Math.max(0, Math.round(frame.retry))}`);
  }
  if (frame.data !== undefined) {
    lines.push(`data: ${JSON.stringify(frame.data)}`);
  }
  return `${lines.join('\n')}\n\n`;
}

/** A comment line: ignored by clients, but it keeps proxies from closing an idle stream. */
export function formatSseComment(text: string): string {
  return `: ${text.replace(LINE_BREAK, ' ')}\n\n`;
}

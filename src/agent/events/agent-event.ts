/**
 * What the assistant publishes on its own NOTIFY channel, from inside the statement that makes each
 * change (delivered on commit only). Unlike a domain event, each carries all a client needs: the
 * gateway forwards it as it is, with no read. A `message.delta` is one slice of a reply: `offset`
 * is where `text` starts in the reply (UTF-16 code units, as a JavaScript client counts), so a
 * client that already has the text up to `offset + text.length` drops it. A later attempt
 * continues the same reply: its offsets go on from where the earlier attempt's stored text ends.
 */
interface RunRef {
  sessionId: string;
  ownerId: string;
  runId: string;
  attempt: number;
}

export type AgentEvent =
  | ({ type: 'run.queued' | 'run.interrupted' | 'run.cancel_requested' } & RunRef)
  /** `resumeOffset`: the length of the reply stored by earlier attempts, which this one continues. */
  | ({ type: 'run.started'; resumeOffset: number } & RunRef)
  | ({ type: 'message.delta'; offset: number; text: string } & RunRef)
  | ({ type: 'run.completed'; messageId: string; seq: string } & RunRef)
  | ({ type: 'run.failed'; code: string; retryable: boolean } & RunRef)
  | ({ type: 'run.cancelled'; messageId: string | null } & RunRef);

export type AgentEventType = AgentEvent['type'];

export const AGENT_EVENTS_CHANNEL = 'agent_events';

const TYPES: ReadonlySet<string> = new Set<AgentEventType>([
  'run.queued',
  'run.started',
  'run.interrupted',
  'run.cancel_requested',
  'message.delta',
  'run.completed',
  'run.failed',
  'run.cancelled',
]);

/** The event in a NOTIFY payload, or null for anything that is not one of ours. */
export function parseAgentEvent(payload: string): AgentEvent | null {
  try {
    const value = JSON.parse(payload) as Partial<AgentEvent> | null;
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof value.type === 'string' &&
      TYPES.has(value.type) &&
      typeof value.sessionId === 'string' &&
      typeof value.ownerId === 'string' &&
      typeof value.runId === 'string'
    ) {
      return value as AgentEvent;
    }
  } catch {
    // Not JSON: not ours.
  }
  return null;
}

import { AsyncLocalStorage } from 'node:async_hooks';

/** The run attempt a piece of work belongs to: the fencing token of its checkpoint writes. */
export interface TurnAttempt {
  runId: string;
  attempt: number;
}

/**
 * Set around a turn's graph invocation, so the checkpointer knows which attempt each write comes
 * from. LangGraph writes checkpoints from promises it starts itself; AsyncLocalStorage carries the
 * attempt into them without passing it through the graph's (checkpointed) configuration.
 */
export const turnAttempt = new AsyncLocalStorage<TurnAttempt>();

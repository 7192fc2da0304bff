import { RunControl } from '@langchain/langgraph';

/**
 * A turn's cooperative stop. LangGraph's RunControl stops a graph only between steps and never
 * cancels the step that runs (the reply, which can stream for minutes), so the reply node also
 * waits on `requested`: it stops reading the model there, returns its draft as state, and its step
 * ends; the drain then stops the graph with that draft checkpointed and the reply still next.
 */
export class ReplyYield {
  readonly control = new RunControl();
  private resolve: () => void = () => undefined;
  /** Resolves once the stop is asked for; never rejects. */
  readonly requested = new Promise<void>((resolve) => (this.resolve = resolve));

  get isRequested(): boolean {
    return this.control.drainRequested;
  }

  request(reason: string): void {
    this.control.requestDrain(reason);
    this.resolve();
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import type {
  ModelProvider,
  ProviderDescription,
  ReplyEvent,
  ReplyRequest,
} from '../model-provider';
import { ProviderError } from '../provider-error';
import { composeOfflineReply } from './offline-replies';
import { countTokens, splitIntoTokens } from './tokens';

export interface OfflineProviderOptions {
  /** Pace of the stream, so the UI shows it arriving like a model's; 0 = as fast as possible. */
  tokensPerSecond: number;
}

export const DEFAULT_OFFLINE_TOKENS_PER_SECOND = 30;

/**
 * A scripted, deterministic assistant that needs no network and no key, so the service answers
 * out of the box. Same session and messages → same reply, streamed word by word.
 *
 * Asked to continue a reply (`continueFrom`), it streams only what its reply has after that
 * prefix, so the prefix and the continuation make its reply exactly once. A prefix its reply does
 * not start with (the session's phase or title changed between the attempts) cannot be continued
 * consistently: the reply ends with the prefix, and no text is added to it.
 */
export class OfflineProvider implements ModelProvider {
  private readonly description: ProviderDescription = {
    provider: 'offline',
    model: 'scripted',
  };

  constructor(private readonly options: OfflineProviderOptions) {
    if (!(options.tokensPerSecond >= 0 && Number.isFinite(options.tokensPerSecond))) {
      throw new RangeError('tokensPerSecond must be a finite number >= 0');
    }
  }

  describe(): ProviderDescription {
    return { ...this.description };
  }

  validate(_signal: AbortSignal): Promise<void> {
    return Promise.resolve();
  }

  async *streamReply(request: ReplyRequest): AsyncGenerator<ReplyEvent, void, undefined> {
    const tokens = splitIntoTokens(
      continuation(composeOfflineReply(request.session, request.messages), request.continueFrom),
    );
    const interval = this.options.tokensPerSecond > 0 ? 1000 / this.options.tokensPerSecond : 0;
    const started = performance.now();
    for (const [index, text] of tokens.entries()) {
      // Each token is due at a fixed offset from the start, so timer lateness does not add up.
      const wait = started + index * interval - performance.now();
      await this.pause(wait, request.signal);
      yield { type: 'text', text };
    }
    this.throwIfCancelled(request.signal);
    const input = [request.systemPrompt, ...request.messages.map((m) => m.content)];
    yield {
      type: 'end',
      usage: {
        inputTokens: input.reduce((sum, text) => sum + countTokens(text), 0),
        outputTokens: tokens.length,
      },
      finishReason: 'stop',
    };
  }

  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    this.throwIfCancelled(signal);
    if (ms <= 0) {
      return;
    }
    try {
      await sleep(ms, undefined, { signal });
    } catch (error) {
      throw this.cancelled(error);
    }
  }

  private throwIfCancelled(signal: AbortSignal): void {
    if (signal.aborted) {
      throw this.cancelled(signal.reason);
    }
  }

  private cancelled(cause: unknown): ProviderError {
    return new ProviderError(
      this.description,
      { code: 'cancelled', retryable: false, cause: 'the reply was cancelled' },
      { cause },
    );
  }
}

/** What `reply` has after `prefix`: all of it without a prefix, nothing when it does not start so. */
function continuation(reply: string, prefix: string | undefined): string {
  if (prefix === undefined || prefix === '') {
    return reply;
  }
  return reply.startsWith(prefix) ? reply.slice(prefix.length) : '';
}

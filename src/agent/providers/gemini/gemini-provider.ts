import { GoogleGenAI } from '@google/genai';
import { AttemptSignal } from '../attempt-signal';
import type {
  ModelProvider,
  ProviderDescription,
  ReplyEvent,
  ReplyRequest,
  TokenUsage,
} from '../model-provider';
import { ProviderError, type ProviderErrorDetails } from '../provider-error';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  sleepUnlessAborted,
  type RetryPolicy,
} from '../retry-policy';
import {
  classifyGeminiFailure,
  GeminiStreamEndedEarly,
  type GeminiFailurePhase,
} from './gemini-failure';
import {
  DEFAULT_GEMINI_REQUEST_TIMEOUT_MS,
  type GeminiProviderOptions,
} from './gemini-provider-options';
import {
  chunkBlockReason,
  chunkFinishReason,
  chunkText,
  chunkUsage,
  toFinishReason,
  toGeminiContents,
} from './gemini-response';

/**
 * Gemini through the official SDK (@google/genai), streaming over SSE.
 *
 * Retries are ours, not the SDK's: `httpOptions.retryOptions` would hide attempts from us, and the
 * SDK's automatic stream continuation (on by default) silently re-sends a request when a stream
 * drops before any content — so both stay off and every request is one attempt we count, delay
 * and report. A failure is retried only while no text has been yielded; after that the caller
 * already holds part of the reply, and a second attempt would hand it the same text again.
 */
export class GeminiProvider implements ModelProvider {
  private readonly ai: GoogleGenAI;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly description: ProviderDescription;

  constructor(private readonly options: GeminiProviderOptions) {
    this.ai = new GoogleGenAI({
      vertexai: false,
      apiKey: options.apiKey,
      httpOptions: {
        ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
        // Without a fetch of its own the SDK routes requests through undici's global dispatcher,
        // which it finds via a global symbol that a sandboxed realm (Jest's vm context) does not
        // have: every request then fails with "fetch failed". Passing the platform fetch takes
        // one path everywhere. It keeps undici's default 300 s header/body timeouts, which the
        // SDK would lift; our own idle deadline (requestTimeoutMs) is far shorter anyway.
        fetch: globalThis.fetch,
      },
    });
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_GEMINI_REQUEST_TIMEOUT_MS;
    this.description = { provider: 'gemini', model: options.model };
  }

  describe(): ProviderDescription {
    return { ...this.description };
  }

  async *streamReply(request: ReplyRequest): AsyncGenerator<ReplyEvent, void, undefined> {
    if (request.messages.length === 0) {
      throw this.error({
        code: 'invalid_request',
        retryable: false,
        cause: 'no messages to answer',
      });
    }
    for (let attempt = 1; ; attempt += 1) {
      let retryAfter: Omit<ProviderErrorDetails, 'attempts'> | undefined;
      let retryCause: unknown;
      const deadline = new AttemptSignal(request.signal, this.timeoutMs);
      let phase: GeminiFailurePhase = 'request';
      let yieldedText = false;
      try {
        const stream = await this.ai.models.generateContentStream({
          model: this.options.model,
          contents: toGeminiContents(request.messages, request.continueFrom),
          config: {
            systemInstruction: request.systemPrompt === '' ? undefined : request.systemPrompt,
            temperature: this.options.temperature,
            maxOutputTokens: this.options.maxOutputTokens,
            thinkingConfig:
              this.options.thinkingBudget === undefined
                ? undefined
                : { thinkingBudget: this.options.thinkingBudget },
            abortSignal: deadline.signal,
            automaticContinuation: false,
          },
        });
        phase = 'stream';
        deadline.touch();
        let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
        let finishReason: string | undefined;
        for await (const chunk of stream) {
          const blocked = chunkBlockReason(chunk);
          if (blocked !== undefined) {
            throw this.error({
              code: 'blocked',
              retryable: false,
              cause: `prompt blocked: ${blocked}`,
            });
          }
          usage = chunkUsage(chunk) ?? usage;
          finishReason = chunkFinishReason(chunk) ?? finishReason;
          const text = chunkText(chunk);
          if (text !== '') {
            yieldedText = true;
            // The deadline measures the server, not a slow consumer: hold it while we wait.
            deadline.hold();
            yield { type: 'text', text };
          }
          deadline.touch();
        }
        if (finishReason === undefined) {
          throw new GeminiStreamEndedEarly();
        }
        yield { type: 'end', usage, finishReason: toFinishReason(finishReason) };
        return;
      } catch (error) {
        if (error instanceof ProviderError) {
          throw error;
        }
        const failure = classifyGeminiFailure(error, {
          phase,
          cancelled: request.signal.aborted,
          timedOut: deadline.expired,
          timeoutMs: this.timeoutMs,
        });
        if (yieldedText && failure.code !== 'cancelled') {
          // Part of the reply is out: whatever broke, it is final and not safe to resend.
          throw this.error(
            { ...failure, code: 'stream_cut', retryable: false, attempts: attempt },
            error,
          );
        }
        if (!failure.retryable || attempt >= this.retry.maxAttempts) {
          throw this.error({ ...failure, attempts: attempt }, error);
        }
        retryAfter = failure;
        retryCause = error;
      } finally {
        deadline.dispose();
      }
      await this.waitBeforeRetry(attempt, retryAfter, request.signal, retryCause);
    }
  }

  async validate(signal: AbortSignal): Promise<void> {
    const deadline = new AttemptSignal(signal, this.timeoutMs);
    try {
      const model = await this.ai.models.get({
        model: this.options.model,
        config: { abortSignal: deadline.signal },
      });
      const methods = model.supportedActions;
      if (methods !== undefined && !methods.includes('generateContent')) {
        throw this.error({
          code: 'unknown_model',
          retryable: false,
          cause: `the model does not support generateContent (it supports ${methods.join(', ')})`,
        });
      }
    } catch (error) {
      if (error instanceof ProviderError) {
        throw error;
      }
      const failure = classifyGeminiFailure(error, {
        phase: 'request',
        cancelled: signal.aborted,
        timedOut: deadline.expired,
        timeoutMs: this.timeoutMs,
      });
      throw this.error(failure, error);
    } finally {
      deadline.dispose();
    }
  }

  /**
   * Waits the backoff delay, or the server's RetryInfo delay when that is longer. A server asking
   * for more than the policy's longest delay will not be ready in time: give up now, with the
   * wait it asked for in the error, rather than spend attempts that are bound to fail.
   */
  private async waitBeforeRetry(
    attempt: number,
    failure: Omit<ProviderErrorDetails, 'attempts'>,
    signal: AbortSignal,
    error: unknown,
  ): Promise<void> {
    const asked = failure.retryAfterMs ?? 0;
    if (asked > this.retry.maxDelayMs) {
      throw this.error({ ...failure, attempts: attempt }, error);
    }
    try {
      await sleepUnlessAborted(Math.max(asked, backoffDelayMs(attempt, this.retry)), signal);
    } catch (aborted) {
      throw this.error(
        {
          code: 'cancelled',
          retryable: false,
          cause: 'cancelled while waiting to retry',
          attempts: attempt,
        },
        aborted,
      );
    }
  }

  private error(details: ProviderErrorDetails, cause?: unknown): ProviderError {
    return new ProviderError(
      this.description,
      details,
      cause === undefined ? undefined : { cause },
    );
  }
}

import type { ProviderDescription } from './model-provider';

export type ProviderErrorCode =
  | 'invalid_key'
  | 'unknown_model'
  | 'invalid_request'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'unreachable'
  | 'stream_cut'
  | 'blocked'
  | 'cancelled';

export interface ProviderErrorDetails {
  code: ProviderErrorCode;
  /**
   * True when sending the same request again may succeed. Always false once reply text has been
   * delivered: a second attempt would repeat it, so the provider leaves that choice to the caller.
   */
  retryable: boolean;
  /** HTTP status of the failed response, when there was one. */
  status?: number;
  /** What went wrong, in one line, without the provider/model prefix. */
  cause: string;
  /** How many requests were sent for this call, retries included. */
  attempts?: number;
  /** When the server said how long to wait before trying again. */
  retryAfterMs?: number;
}

/**
 * A provider failure the agent can act on by `code`. The message is one line naming the provider,
 * the model and the cause, so a log line or a startup failure explains itself.
 */
export class ProviderError extends Error {
  readonly code: ProviderErrorCode;
  readonly retryable: boolean;
  readonly status?: number;
  readonly attempts?: number;
  readonly retryAfterMs?: number;
  readonly provider: ProviderDescription['provider'];
  readonly model: string;

  constructor(source: ProviderDescription, details: ProviderErrorDetails, options?: ErrorOptions) {
    super(providerErrorMessage(source, details), options);
    this.name = 'ProviderError';
    this.code = details.code;
    this.retryable = details.retryable;
    this.status = details.status;
    this.attempts = details.attempts;
    this.retryAfterMs = details.retryAfterMs;
    this.provider = source.provider;
    this.model = source.model;
  }
}

export function providerErrorMessage(
  source: ProviderDescription,
  details: Pick<ProviderErrorDetails, 'code' | 'status' | 'cause' | 'attempts'>,
): string {
  const status = details.status === undefined ? '' : ` (HTTP ${details.status})`;
  const attempts =
    details.attempts !== undefined && details.attempts > 1
      ? ` after ${details.attempts} attempts`
      : '';
  const cause = details.cause.replace(/\s+/g, ' ').trim();
  return `${source.provider} model "${source.model}": ${details.code}${status}${attempts}: ${cause}`;
}

export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}

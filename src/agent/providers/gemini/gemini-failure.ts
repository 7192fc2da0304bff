import { ApiError } from '@google/genai';
import type { ProviderErrorDetails } from '../provider-error';

/** Where the request was when it failed: before the response headers, or reading the body. */
export type GeminiFailurePhase = 'request' | 'stream';

export interface GeminiFailureContext {
  phase: GeminiFailurePhase;
  /** The caller's signal aborted. */
  cancelled: boolean;
  /** Our idle deadline fired (see AttemptSignal). */
  timedOut: boolean;
  timeoutMs: number;
}

/** The stream closed cleanly but its last chunk had no finishReason: the reply is incomplete. */
export class GeminiStreamEndedEarly extends Error {
  constructor() {
    super('the stream ended before the reply was finished (no finishReason)');
    this.name = 'GeminiStreamEndedEarly';
  }
}

type FailureDetails = Omit<ProviderErrorDetails, 'attempts'>;

/**
 * Turns whatever the SDK threw into a provider failure. The SDK throws `ApiError` for HTTP errors
 * (and for an error event inside the stream) with the response body as its message; network
 * failures surface as fetch's `TypeError('fetch failed')` with the socket error as `cause`, and a
 * connection lost mid-body as `TypeError('terminated')` or the SDK's "Incomplete JSON segment".
 */
export function classifyGeminiFailure(
  error: unknown,
  context: GeminiFailureContext,
): FailureDetails {
  if (context.cancelled) {
    return { code: 'cancelled', retryable: false, cause: 'the request was cancelled' };
  }
  if (context.timedOut) {
    return {
      code: 'timeout',
      retryable: true,
      cause: `no response from the server for ${context.timeoutMs} ms`,
    };
  }
  if (error instanceof ApiError) {
    return classifyApiError(error);
  }
  if (error instanceof GeminiStreamEndedEarly) {
    return { code: 'stream_cut', retryable: true, cause: error.message };
  }
  const chain = causeChain(error);
  if (context.phase === 'stream') {
    return { code: 'stream_cut', retryable: true, cause: `the stream broke: ${describe(chain)}` };
  }
  const network = chain.find(isNetworkFailure);
  if (network !== undefined) {
    const socket = chain.at(-1) ?? network;
    return {
      code: 'unreachable',
      retryable: true,
      cause: `cannot reach the server: ${describe([socket])}`,
    };
  }
  return { code: 'invalid_request', retryable: false, cause: describe(chain) };
}

interface GoogleErrorBody {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<{ '@type'?: string; reason?: string; retryDelay?: string }>;
}

function classifyApiError(error: ApiError): FailureDetails {
  const body = parseGoogleError(error.message);
  const status = error.status;
  const reason = body?.details?.find((d) => typeof d.reason === 'string')?.reason;
  const text = [body?.status, reason, body?.message].filter(Boolean).join(' ') || error.message;
  const base = { status, cause: text };
  if (status === 400 && reason === 'API_KEY_INVALID') {
    return {
      ...base,
      code: 'invalid_key',
      retryable: false,
      cause: `the API key was rejected: ${text}`,
    };
  }
  if (status === 401 || status === 403) {
    return {
      ...base,
      code: 'invalid_key',
      retryable: false,
      cause: `the API key was refused: ${text}`,
    };
  }
  if (status === 404) {
    return { ...base, code: 'unknown_model', retryable: false, cause: `no such model: ${text}` };
  }
  if (status === 429) {
    return {
      ...base,
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: retryDelayMs(body),
      cause: `rate limited or out of quota: ${text}`,
    };
  }
  if (status === 504) {
    return { ...base, code: 'timeout', retryable: true, cause: `the server timed out: ${text}` };
  }
  if (status >= 500) {
    return {
      ...base,
      code: 'unavailable',
      retryable: true,
      cause: `the service is unavailable: ${text}`,
    };
  }
  return {
    ...base,
    code: 'invalid_request',
    retryable: false,
    cause: `the request was refused: ${text}`,
  };
}

/** The SDK's message is the JSON error body, sometimes after a "got status: X. " prefix. */
function parseGoogleError(message: string): GoogleErrorBody | undefined {
  const start = message.indexOf('{');
  if (start < 0) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(message.slice(start)) as { error?: GoogleErrorBody };
    return typeof parsed.error === 'object' && parsed.error !== null ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}

/** google.rpc.RetryInfo's retryDelay is a protobuf Duration in JSON: "38s", "0.5s". */
function retryDelayMs(body: GoogleErrorBody | undefined): number | undefined {
  const delay = body?.details?.find((d) =>
    d['@type']?.endsWith('google.rpc.RetryInfo'),
  )?.retryDelay;
  const match = delay === undefined ? null : /^(\d+(?:\.\d+)?)s$/.exec(delay);
  return match?.[1] === undefined ? undefined : Math.round(Number(match[1]) * 1000);
}

interface ErrorLike {
  name?: unknown;
  message: string;
  code?: unknown;
  cause?: unknown;
}

/**
 * The error and its causes, outermost first. Duck-typed rather than `instanceof Error`: fetch's
 * errors come from Node's own realm, which is not the caller's under a vm sandbox such as Jest
 * (the SDK then wraps them as "exception TypeError: fetch failed sending request").
 */
function causeChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let current: unknown = error;
  while (chain.length < 5 && typeof current === 'object' && current !== null) {
    const candidate = current as Partial<ErrorLike>;
    if (typeof candidate.message !== 'string') {
      break;
    }
    chain.push(candidate as ErrorLike);
    current = candidate.cause;
  }
  if (chain.length === 0) {
    chain.push({ message: String(error) });
  }
  return chain;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** fetch reports every transport failure as TypeError('fetch failed') with the cause inside. */
function isNetworkFailure(error: ErrorLike): boolean {
  return (
    (error.name === 'TypeError' && error.message === 'fetch failed') ||
    (typeof error.code === 'string' && NETWORK_CODES.has(error.code))
  );
}

/** The messages of a chain, without the SDK's wrapper and without repeating a code. */
function describe(chain: readonly ErrorLike[]): string {
  const parts = chain
    .filter((e) => !/^exception .* sending request$/.test(e.message))
    .map((e) =>
      typeof e.code === 'string' && !e.message.includes(e.code)
        ? `${e.message} (${e.code})`
        : e.message,
    )
    .filter((m) => m !== '');
  return parts.join(': ') || 'unknown error';
}

import { ApiError } from '@google/genai';
import { classifyGeminiFailure, type GeminiFailureContext } from './gemini-failure';

const before: GeminiFailureContext = {
  phase: 'request',
  cancelled: false,
  timedOut: false,
  timeoutMs: 1000,
};

function apiError(status: number, body: object): ApiError {
  return new ApiError({ status, message: JSON.stringify({ error: body }) });
}

describe('classifyGeminiFailure', () => {
  it('should prefer cancelled, then timeout, over whatever was thrown', () => {
    const error = apiError(503, { code: 503, status: 'UNAVAILABLE' });

    expect(classifyGeminiFailure(error, { ...before, cancelled: true, timedOut: true }).code).toBe(
      'cancelled',
    );
    expect(classifyGeminiFailure(error, { ...before, timedOut: true })).toMatchObject({
      code: 'timeout',
      retryable: true,
    });
  });

  it.each([
    [400, 'API_KEY_INVALID', 'invalid_key', false],
    [400, undefined, 'invalid_request', false],
    [403, 'API_KEY_SERVICE_BLOCKED', 'invalid_key', false],
    [404, undefined, 'unknown_model', false],
    [429, undefined, 'rate_limited', true],
    [500, undefined, 'unavailable', true],
    [503, undefined, 'unavailable', true],
    [504, undefined, 'timeout', true],
  ] as const)('should map HTTP %s (%s) to %s', (status, reason, code, retryable) => {
    const details =
      reason === undefined ? [] : [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason }];

    expect(
      classifyGeminiFailure(apiError(status, { code: status, message: 'm', details }), before),
    ).toMatchObject({
      code,
      retryable,
      status,
    });
  });

  it('should read the wait a 429 asks for from RetryInfo', () => {
    const error = apiError(429, {
      code: 429,
      status: 'RESOURCE_EXHAUSTED',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' }],
    });

    expect(classifyGeminiFailure(error, before).retryAfterMs).toBe(1500);
  });

  it('should read an error event inside the stream (the SDK prefixes its status)', () => {
    const error = new ApiError({
      status: 500,
      message: `got status: INTERNAL. ${JSON.stringify({ error: { code: 500, status: 'INTERNAL', message: 'boom' } })}`,
    });

    expect(classifyGeminiFailure(error, { ...before, phase: 'stream' })).toMatchObject({
      code: 'unavailable',
      cause: 'the service is unavailable: INTERNAL boom',
    });
  });

  it('should see a network failure through wrappers and foreign realms, naming the socket error', () => {
    // What fetch throws, as plain objects: Error from another realm is not `instanceof Error`.
    const socket = {
      name: 'Error',
      message: 'connect ECONNREFUSED 127.0.0.1:9',
      code: 'ECONNREFUSED',
    };
    const fetchFailed = { name: 'TypeError', message: 'fetch failed', cause: socket };
    const wrapped = new Error('exception TypeError: fetch failed sending request', {
      cause: fetchFailed,
    });

    expect(classifyGeminiFailure(wrapped, before)).toEqual({
      code: 'unreachable',
      retryable: true,
      cause: 'cannot reach the server: connect ECONNREFUSED 127.0.0.1:9',
    });
  });

  it('should call a broken body a stream cut', () => {
    const terminated = new TypeError('terminated', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });

    expect(classifyGeminiFailure(terminated, { ...before, phase: 'stream' })).toEqual({
      code: 'stream_cut',
      retryable: true,
      cause: 'the stream broke: terminated: other side closed (UND_ERR_SOCKET)',
    });
  });
});

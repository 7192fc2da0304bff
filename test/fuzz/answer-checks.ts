import type { ErrorEnvelope } from '../../src/common/errors/error-envelope';
import { describeRequest, exchange, type FuzzRequest, type FuzzResponse } from './http-exchange';

const cut = (text: string): string => (text.length > 500 ? `${text.slice(0, 500)}…` : text);

/** True when `body` is the error envelope of a `status` answer (src/common/errors/). */
export function isErrorEnvelope(body: unknown, status: number): body is ErrorEnvelope {
  if (typeof body !== 'object' || body === null) {
    return false;
  }
  const envelope = body as Partial<Record<keyof ErrorEnvelope, unknown>>;
  return (
    envelope.success === false &&
    envelope.statusCode === status &&
    typeof envelope.error === 'string' &&
    typeof envelope.code === 'string' &&
    typeof envelope.requestId === 'string' &&
    (envelope.details === undefined || Array.isArray(envelope.details))
  );
}

/**
 * The fuzz's first two properties for one exchange: never a 5xx, and every non-2xx in the error
 * envelope. Throws with the request and the answer, so fast-check's report says what broke.
 */
export function expectWellAnswered(fuzz: FuzzRequest, response: FuzzResponse): void {
  const problem =
    response.status >= 500
      ? 'a 5xx'
      : (response.status < 200 || response.status >= 300) &&
          !isErrorEnvelope(response.json, response.status)
        ? 'a non-2xx outside the error envelope'
        : undefined;
  if (problem !== undefined) {
    throw new Error(
      `${problem}: ${describeRequest(fuzz)}\n  → ${response.status} ${cut(response.text)}`,
    );
  }
}

/** The process is still up and serving: GET /health/live answers 200. */
export async function expectAlive(baseUrl: string): Promise<void> {
  const response = await exchange(baseUrl, { method: 'GET', path: '/health/live', headers: {} });
  if (response.status !== 200) {
    throw new Error(`GET /health/live answered ${response.status} after the batch`);
  }
}

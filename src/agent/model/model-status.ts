import type { ProviderDescription } from '../providers/model-provider';
import type { ProviderError } from '../providers/provider-error';

export interface LastProviderError {
  code: string;
  message: string;
  at: string;
}

/**
 * What /health/status says of the model: which one answers, and the last error it gave. A
 * provider outage is reported here and never fails readiness — an LLM outage must not take every
 * replica out of rotation, when everything but new replies still works.
 */
export class ModelStatus {
  private last: LastProviderError | undefined;

  constructor(readonly description: ProviderDescription) {}

  recordError(error: ProviderError): void {
    this.last = { code: error.code, message: error.message, at: new Date().toISOString() };
  }

  get lastError(): LastProviderError | undefined {
    return this.last;
  }
}

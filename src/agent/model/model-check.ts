import { Logger } from '@nestjs/common';
import { withTimeout } from '../../common/async/with-timeout';
import type { StartupChecks } from '../../lifecycle/startup-checks';
import type { ModelProvider } from '../providers/model-provider';

/**
 * In production and staging the model is validated before the instance takes traffic, with the
 * provider's cheapest call (Gemini: models.get) under a timeout: a bad key or an unknown model
 * fails startup with one line naming provider, model and cause. Skipped elsewhere, to save the call.
 */
export function registerModelCheck(
  checks: StartupChecks,
  provider: ModelProvider,
  options: { enabled: boolean; timeoutMs: number },
): void {
  const { provider: name, model } = provider.describe();
  if (!options.enabled) {
    new Logger('ModelCheck').log(
      `model check skipped outside production and staging (${name} ${model})`,
    );
    return;
  }
  checks.register({
    name: 'model',
    run: async () => {
      const controller = new AbortController();
      try {
        await withTimeout(
          () => provider.validate(controller.signal),
          options.timeoutMs,
          'model check',
        );
      } catch (error) {
        controller.abort();
        // A ProviderError's message already names provider, model and cause.
        throw new Error(
          `model check failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
  });
}

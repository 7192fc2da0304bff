import type { GeminiProviderOptions } from './gemini/gemini-provider-options';
import type { ModelProvider } from './model-provider';
import { OfflineProvider, type OfflineProviderOptions } from './offline/offline-provider';

/** Which provider answers, with its settings (AGENT_PROVIDER picks the branch). */
export type AgentProviderOptions =
  | { provider: 'offline'; offline: OfflineProviderOptions }
  | { provider: 'gemini'; gemini: GeminiProviderOptions };

/**
 * The provider's code is loaded only for the provider picked: @google/genai (and the auth
 * libraries under it) takes tens of ms to load, which an offline replica would pay at every start.
 */
export async function createModelProvider(options: AgentProviderOptions): Promise<ModelProvider> {
  switch (options.provider) {
    case 'gemini': {
      const { GeminiProvider } = await import('./gemini/gemini-provider');
      return new GeminiProvider(options.gemini);
    }
    case 'offline':
      return new OfflineProvider(options.offline);
  }
}

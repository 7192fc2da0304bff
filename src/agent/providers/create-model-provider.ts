import { GeminiProvider } from './gemini/gemini-provider';
import type { GeminiProviderOptions } from './gemini/gemini-provider-options';
import type { ModelProvider } from './model-provider';
import { OfflineProvider, type OfflineProviderOptions } from './offline/offline-provider';

/** Which provider answers, with its settings (AGENT_PROVIDER picks the branch). */
export type AgentProviderOptions =
  | { provider: 'offline'; offline: OfflineProviderOptions }
  | { provider: 'gemini'; gemini: GeminiProviderOptions };

export function createModelProvider(options: AgentProviderOptions): ModelProvider {
  switch (options.provider) {
    case 'gemini':
      return new GeminiProvider(options.gemini);
    case 'offline':
      return new OfflineProvider(options.offline);
  }
}

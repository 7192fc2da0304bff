import type { AppConfig } from '../../config/app-config';
import type { AgentProviderOptions } from '../providers/create-model-provider';

/**
 * The provider settings from the configuration. Gemini without a key is let through here (the
 * default in production and staging): the startup's model check then fails naming the cause, and
 * outside production every run fails with `invalid_key`, which the run list shows.
 */
export function providerFromConfig(agent: AppConfig['agent']): AgentProviderOptions {
  if (agent.provider === 'offline') {
    return { provider: 'offline', offline: { tokensPerSecond: agent.offlineTokensPerSecond } };
  }
  const { gemini } = agent;
  return {
    provider: 'gemini',
    gemini: {
      apiKey: gemini.apiKey ?? '',
      model: gemini.model,
      ...(gemini.baseUrl === undefined ? {} : { baseUrl: gemini.baseUrl }),
      ...(gemini.temperature === undefined ? {} : { temperature: gemini.temperature }),
      ...(gemini.maxOutputTokens === undefined ? {} : { maxOutputTokens: gemini.maxOutputTokens }),
      requestTimeoutMs: gemini.requestTimeoutMs,
    },
  };
}

/** The injection token of the ModelProvider chosen by AGENT_PROVIDER (an interface has no class). */
export const MODEL_PROVIDER = Symbol('MODEL_PROVIDER');

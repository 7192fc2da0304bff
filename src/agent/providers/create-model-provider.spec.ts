import { createModelProvider } from './create-model-provider';

describe('createModelProvider', () => {
  it('should build the offline assistant', async () => {
    const provider = await createModelProvider({
      provider: 'offline',
      offline: { tokensPerSecond: 0 },
    });

    expect(provider.describe()).toEqual({ provider: 'offline', model: 'scripted' });
  });

  it('should build the Gemini provider without sending anything', async () => {
    const provider = await createModelProvider({
      provider: 'gemini',
      gemini: { apiKey: 'key', model: 'gemini-2.5-flash' },
    });

    expect(provider.describe()).toEqual({ provider: 'gemini', model: 'gemini-2.5-flash' });
  });
});

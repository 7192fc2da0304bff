/**
 * Jest 30 on Node 20 cannot load an ESM-only package, and the Google and LangChain packages are
 * ESM-first with CommonJS builds that a release can drop. Each package the agent depends on is
 * loaded through Jest's real `require()` in its own test, so such a release fails by name here
 * rather than as a confusing import error somewhere else.
 */
function load(id: string): Record<string, unknown> {
  // A real require is the point: it resolves through the package's "require" export condition.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id) as Record<string, unknown>;
}

const PACKAGES: ReadonlyArray<[id: string, anExport: string]> = [
  ['@google/genai', 'GoogleGenAI'],
  ['@langchain/langgraph', 'StateGraph'],
  ['@langchain/langgraph-checkpoint-postgres', 'PostgresSaver'],
  ['@langchain/core/messages', 'AIMessage'],
  ['@langchain/core/runnables', 'RunnableLambda'],
];

describe('agent packages load under Jest as CommonJS', () => {
  it.each(PACKAGES)('%s', (id, anExport) => {
    const loaded = load(id);

    expect(typeof loaded[anExport]).toBe('function');
  });
});

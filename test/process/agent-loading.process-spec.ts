import { resolve } from 'node:path';
import { createBootLogger } from '../../src/lifecycle/startup/boot-logger';
import { openDatabaseAndMigrate } from '../../src/lifecycle/startup/database-steps';
import type { CreatedDatabase } from '../support/create-database';
import { createScratchDatabase } from '../support/scratch-database';
import { ServerProcess, stopStartedServers } from '../support/server-process';
import { testConfig } from '../support/test-app';

/**
 * The built server, started through `node -e`: the snippet prints the npm packages loaded so far
 * (from require.cache) as one JSON line when the process gets SIGUSR2, then runs dist/main.js.
 */
const ENTRY = resolve(__dirname, '../../dist/main.js');
const REPORT_ON_SIGUSR2 = `
process.on('SIGUSR2', () => {
  const names = Object.keys(require.cache).flatMap((path) => {
    const found = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(path);
    return found === null ? [] : [found[1]];
  });
  process.stdout.write(JSON.stringify({ loadedPackages: [...new Set(names)] }) + '\\n');
});
require(${JSON.stringify(ENTRY)});
`;

/** The packages the server has loaded once it is ready (its "started" line is out). */
async function packagesLoadedWhenReady(env: Record<string, string>): Promise<string[]> {
  const server = ServerProcess.start({ PORT: '0', ...env }, [
    process.execPath,
    ['-e', REPORT_ON_SIGUSR2],
  ]);
  await server.started();
  server.kill('SIGUSR2');
  const report = await server.waitFor((line) => Array.isArray(line.loadedPackages));
  await server.stop(5000);
  return report.loadedPackages as string[];
}

const ASSISTANT_STACK = /^(@langchain\/|@google\/genai$)/;

/**
 * The assistant's packages (LangGraph, the checkpointer, @langchain/core, @google/genai) take
 * hundreds of ms to load: a replica loads them only when it needs them, and then before READY.
 */
describe('loading of the assistant packages (process)', () => {
  let scratch: CreatedDatabase;

  beforeAll(async () => {
    // Already migrated, as in production: a pending migration would load the checkpointer.
    scratch = await createScratchDatabase('agent_loading');
    const config = testConfig({ DATABASE_URL: scratch.url });
    const dataSource = await openDatabaseAndMigrate(config.db, createBootLogger(config.app));
    await dataSource.destroy();
  });

  afterAll(async () => {
    await stopStartedServers();
    await scratch.drop();
  });

  it('should load none of them with runs off and the offline provider', async () => {
    const loaded = await packagesLoadedWhenReady({
      DATABASE_URL: scratch.url,
      AGENT_RUNS_ENABLED: 'false',
      AGENT_PROVIDER: 'offline',
    });

    expect(loaded).toContain('@nestjs/core');
    expect(loaded.filter((name) => ASSISTANT_STACK.test(name))).toEqual([]);
  });

  it('should have loaded LangGraph and the Gemini SDK by READY with runs on and Gemini', async () => {
    const loaded = await packagesLoadedWhenReady({
      DATABASE_URL: scratch.url,
      AGENT_RUNS_ENABLED: 'true',
      AGENT_PROVIDER: 'gemini',
      // Never called: outside production and staging there is no model check.
      GEMINI_API_KEY: 'unused',
    });

    expect(loaded).toEqual(
      expect.arrayContaining([
        '@langchain/langgraph',
        '@langchain/langgraph-checkpoint-postgres',
        '@google/genai',
      ]),
    );
  });
});

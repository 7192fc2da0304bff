import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { createScratchDatabase } from '../support/scratch-database';

interface NpmResult {
  code: number;
  output: string;
}

/** Runs an npm script of this repository the way a contributor would, against `databaseUrl`. */
function npmRun(script: string, args: string[], databaseUrl: string): Promise<NpmResult> {
  return new Promise((done) => {
    execFile(
      'npm',
      ['run', '--silent', script, ...(args.length > 0 ? ['--', ...args] : [])],
      {
        cwd: resolve(__dirname, '../..'),
        env: { ...process.env, DATABASE_URL: databaseUrl },
        timeout: 90_000,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        done({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

async function tablesIn(databaseUrl: string): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public'
         AND table_name IN ('sessions', 'messages', 'agent_runs', 'idempotency_keys')
       ORDER BY table_name`,
    );
    return rows.map((row) => row.table_name);
  } finally {
    await client.end();
  }
}

/**
 * The typeorm CLI scripts of package.json (ts-node + ormconfig.ts) against a fresh database:
 * the check sees the entities' schema missing, `migration:run` creates it, the check then finds
 * nothing to generate (entities and migrations agree), `migration:revert` drops it again.
 */
describe('npm run migration:* (process)', () => {
  let database: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    database = await createScratchDatabase('migrations');
  });

  afterAll(async () => {
    await database.drop();
  });

  const check = ['src/database/migrations/Check', '--check'];

  it('should apply, agree with the entities, and revert', async () => {
    const pending = await npmRun('migration:generate', check, database.url);
    expect(pending.code).not.toBe(0);
    expect(pending.output).toMatch(/Unexpected changes in database schema were found/);

    const run = await npmRun('migration:run', [], database.url);
    expect(run).toMatchObject({ code: 0 });
    expect(run.output).toMatch(/CreateSessionsAndMessages\d+ has been executed successfully/);
    expect(run.output).toMatch(/CreateAgentRuns\d+ has been executed successfully/);
    expect(run.output).toMatch(/CreateIdempotencyKeys\d+ has been executed successfully/);
    expect(await tablesIn(database.url)).toEqual([
      'agent_runs',
      'idempotency_keys',
      'messages',
      'sessions',
    ]);

    const clean = await npmRun('migration:generate', check, database.url);
    expect(clean.output).toMatch(/No changes in database schema were found/);
    expect(clean.code).toBe(0);

    const revertKeys = await npmRun('migration:revert', [], database.url);
    expect(revertKeys).toMatchObject({ code: 0 });
    expect(revertKeys.output).toMatch(/CreateIdempotencyKeys\d+ has been reverted successfully/);
    expect(await tablesIn(database.url)).toEqual(['agent_runs', 'messages', 'sessions']);

    const revertRuns = await npmRun('migration:revert', [], database.url);
    expect(revertRuns).toMatchObject({ code: 0 });
    expect(revertRuns.output).toMatch(/CreateAgentRuns\d+ has been reverted successfully/);
    expect(await tablesIn(database.url)).toEqual(['messages', 'sessions']);

    const revert = await npmRun('migration:revert', [], database.url);
    expect(revert).toMatchObject({ code: 0 });
    expect(revert.output).toMatch(/CreateSessionsAndMessages\d+ has been reverted successfully/);
    expect(await tablesIn(database.url)).toEqual([]);
  }, 240_000);
});

import { Client } from 'pg';
import { eventually } from './live-clients';
import { ServerProcess } from './server-process';

/** What the assistant's live events carry, as the tests read them. */
export interface RunEvent {
  runId: string;
  attempt: number;
}
export interface DeltaEvent extends RunEvent {
  offset: number;
  text: string;
}

/**
 * A built server on `databaseUrl` that answers runs with the offline assistant (`env` adds to or
 * overrides that), once its "started" line is out.
 */
export async function startAssistantReplica(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ server: ServerProcess; url: string }> {
  const server = ServerProcess.start({
    DATABASE_URL: databaseUrl,
    PORT: '0',
    LOG_LEVEL: 'info',
    AGENT_PROVIDER: 'offline',
    AGENT_RUNS_ENABLED: 'true',
    ...env,
  });
  return { server, url: `http://127.0.0.1:${await server.started()}` };
}

export interface RunView {
  id: string;
  status: string;
  attempt: number;
  startedAt: string | null;
  finishedAt: string | null;
  assistantMessageId: string | null;
  errorCode: string | null;
  inputTokens: number | null;
}

/** A session's runs as a client reads them (GET /api/sessions/:id/runs), newest first. */
export async function runsOf(baseUrl: string, sessionId: string): Promise<RunView[]> {
  const response = await fetch(`${baseUrl}/api/sessions/${sessionId}/runs`);
  if (response.status !== 200) {
    throw new Error(`GET runs answered ${response.status}`);
  }
  return (await response.json()) as RunView[];
}

/**
 * `eventually` for a read and a condition on it: returns the first value `done` accepts, and says
 * what was last seen when it gives up. Bounded only to catch a hang, never as a timing target.
 */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  let last: T | undefined;
  try {
    return await eventually(
      async () => {
        last = await read();
        return done(last) ? { value: last } : undefined;
      },
      what,
      timeoutMs,
    ).then((found) => found.value);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last seen: ${JSON.stringify(last)}`);
  }
}

/**
 * Straight from the database, past every replica: what was really stored, whoever stored it.
 * `sessionId` narrows it to one session.
 */
export async function storedRuns(
  databaseUrl: string,
  sessionId?: string,
): Promise<{
  runs: Array<{ session_id: string; status: string; attempt: number; error_code: string | null }>;
  assistantMessages: Array<{ id: string; session_id: string }>;
}> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const filter = sessionId === undefined ? '' : 'AND session_id = $1';
    const parameters = sessionId === undefined ? [] : [sessionId];
    const runs = await client.query<{
      session_id: string;
      status: string;
      attempt: number;
      error_code: string | null;
    }>(
      `SELECT session_id, status, attempt, error_code FROM agent_runs WHERE true ${filter}`,
      parameters,
    );
    const messages = await client.query<{ id: string; session_id: string }>(
      `SELECT id, session_id FROM messages WHERE role = 'assistant' ${filter}`,
      parameters,
    );
    return { runs: runs.rows, assistantMessages: messages.rows };
  } finally {
    await client.end();
  }
}

/**
 * Checkpoints of a session's conversation thread that share their parent with another: two
 * writers continued the same point of the conversation (a fork). The schema is the one the
 * server's migrations create for the LangGraph checkpointer.
 */
export async function threadForks(databaseUrl: string, sessionId: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ forks: string }>(
      `SELECT count(*) AS forks FROM (
         SELECT parent_checkpoint_id FROM agent_checkpoints.checkpoints
         WHERE thread_id = $1 AND parent_checkpoint_id IS NOT NULL
         GROUP BY parent_checkpoint_id HAVING count(*) > 1) forked`,
      [sessionId],
    );
    return Number(rows[0]?.forks ?? 0);
  } finally {
    await client.end();
  }
}

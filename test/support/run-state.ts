import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';

export interface RunView {
  id: string;
  status: string;
  attempt: number;
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
 * Polls `read` until `done` holds for what it returns, and returns that; bounded only to catch a
 * hang, never as a timing target.
 */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) {
      return value;
    }
    if (Date.now() > giveUpAt) {
      throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
    }
    await sleep(100);
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

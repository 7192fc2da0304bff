import { exchange } from './http-exchange';

export interface LedgerMessage {
  id: string;
  sessionId: string;
  seq: number;
  content: string;
}

/**
 * What the fuzz was told it wrote: every 2xx write, as the client saw it. Checked against the
 * database and the API after a run (expectConsistent).
 */
export class WriteLedger {
  readonly sessions = new Set<string>();
  readonly deleted = new Set<string>();
  /** Versions each session should have gained: one per 2xx PATCH or phase change. */
  readonly bumps = new Map<string, number>();
  private readonly messagesById = new Map<string, LedgerMessage>();

  sessionCreated(id: string): void {
    this.sessions.add(id);
  }

  sessionDeleted(id: string): void {
    this.sessions.delete(id);
    this.deleted.add(id);
  }

  sessionChanged(id: string): void {
    this.bumps.set(id, (this.bumps.get(id) ?? 0) + 1);
  }

  /** An idempotent replay acknowledges the same row again: it is still one row. */
  messageCreated(message: LedgerMessage): void {
    this.messagesById.set(message.id, message);
  }

  get messages(): LedgerMessage[] {
    return [...this.messagesById.values()];
  }

  /** Ids of sessions that exist now (a fuzzed path picks among these). */
  liveSessionIds(): string[] {
    return [...this.sessions];
  }
}

export type Query = (sql: string, parameters: unknown[]) => Promise<unknown[]>;

interface SessionRow {
  id: string;
  version: number;
}

interface MessageRow {
  id: string;
  session_id: string;
  seq: string;
  role: string;
  content: string;
  created_at: Date;
}

interface ListedMessage {
  id: string;
  seq: number;
  content: string;
}

function fail(what: string, detail: unknown): never {
  throw new Error(`${what}: ${JSON.stringify(detail).slice(0, 2000)}`);
}

/**
 * The data after a fuzz run, for one owner: exactly one row per 2xx write (sessions and user
 * messages), every session at version 1 + its 2xx changes (and the API's ETag agreeing), seqs
 * strictly increasing per session in commit order, and what the API lists equal to the table, page
 * by page, with no gap and no repeat.
 */
export async function expectConsistent(
  ledger: WriteLedger,
  ownerId: string,
  query: Query,
  baseUrl: string,
  headers: Record<string, string> = {},
): Promise<void> {
  const sessions = (await query('SELECT id, version FROM sessions WHERE owner_id = $1', [
    ownerId,
  ])) as SessionRow[];
  const stored = new Set(sessions.map((row) => row.id));
  const expected = ledger.liveSessionIds();
  if (stored.size !== expected.length || expected.some((id) => !stored.has(id))) {
    fail('sessions in the table differ from the 2xx creates minus deletes', {
      stored: [...stored],
      expected,
    });
  }
  for (const row of sessions) {
    const want = 1 + (ledger.bumps.get(row.id) ?? 0);
    if (row.version !== want) {
      fail('a session version differs from 1 + its 2xx changes', { ...row, want });
    }
    const read = await exchange(baseUrl, {
      method: 'GET',
      path: `/api/sessions/${row.id}`,
      headers,
    });
    const body = read.json as { version?: unknown } | undefined;
    if (read.status !== 200 || body?.version !== row.version || read.headers.etag !== `"${want}"`) {
      fail('GET of a session disagrees with its row', { row, status: read.status, body });
    }
  }
  await expectSessionListComplete(stored, baseUrl, headers);

  const messages = (await query(
    `SELECT m.id, m.session_id, m.seq, m.role, m.content, m.created_at
       FROM messages m JOIN sessions s ON s.id = m.session_id
      WHERE s.owner_id = $1 ORDER BY m.session_id, m.seq`,
    [ownerId],
  )) as MessageRow[];
  const userRows = new Map(
    messages.filter((row) => row.role === 'user').map((row) => [row.id, row]),
  );
  const kept = ledger.messages.filter((message) => stored.has(message.sessionId));
  if (userRows.size !== kept.length) {
    fail('user messages in the table differ from the 2xx posts', {
      stored: userRows.size,
      posted: kept.length,
    });
  }
  for (const message of kept) {
    const row = userRows.get(message.id);
    if (
      row?.session_id !== message.sessionId ||
      Number(row.seq) !== message.seq ||
      row.content !== message.content
    ) {
      fail('a posted message is not stored as it was acknowledged', { message, row });
    }
  }
  for (const sessionId of stored) {
    const rows = messages.filter((row) => row.session_id === sessionId);
    rows.forEach((row, index) => {
      const previous = rows[index - 1];
      if (
        previous !== undefined &&
        (Number(row.seq) <= Number(previous.seq) || row.created_at < previous.created_at)
      ) {
        fail('seqs of a session are not strictly increasing in commit order', { previous, row });
      }
    });
    const listed = await listAllMessages(baseUrl, sessionId, headers);
    const same =
      listed.length === rows.length &&
      listed.every(
        (item, index) =>
          item.id === rows[index]?.id &&
          item.seq === Number(rows[index]?.seq) &&
          item.content === rows[index]?.content,
      );
    if (!same) {
      fail('the API lists other messages than the table holds', {
        sessionId,
        listed: listed.map((item) => item.seq),
        stored: rows.map((row) => Number(row.seq)),
      });
    }
  }
}

/** Every message of a session through the API, page by page (small pages: more boundaries). */
async function listAllMessages(
  baseUrl: string,
  sessionId: string,
  headers: Record<string, string>,
): Promise<ListedMessage[]> {
  const all: ListedMessage[] = [];
  let after = 0;
  for (;;) {
    const page = await exchange(baseUrl, {
      method: 'GET',
      path: `/api/sessions/${sessionId}/messages?after=${after}&limit=7`,
      headers,
    });
    const body = page.json as { items?: ListedMessage[]; nextAfter?: number | null } | undefined;
    if (page.status !== 200 || body?.items === undefined) {
      fail('listing the messages of a session failed', { sessionId, status: page.status });
    }
    all.push(...body.items);
    if (body.nextAfter === null || body.nextAfter === undefined) {
      return all;
    }
    after = body.nextAfter;
  }
}

/** Pages through GET /api/sessions: each stored session exactly once, nothing else. */
async function expectSessionListComplete(
  stored: Set<string>,
  baseUrl: string,
  headers: Record<string, string>,
): Promise<void> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await exchange(baseUrl, {
      method: 'GET',
      path: `/api/sessions?limit=9${cursor === null ? '' : `&cursor=${cursor}`}`,
      headers,
    });
    const body = page.json as { items?: Array<{ id: string }>; nextCursor?: string | null };
    if (page.status !== 200 || body.items === undefined) {
      fail('listing the sessions failed', { status: page.status, body });
    }
    seen.push(...body.items.map((item) => item.id));
    cursor = body.nextCursor ?? null;
  } while (cursor !== null);
  if (seen.length !== stored.size || new Set(seen).size !== seen.length) {
    fail('the API lists other sessions than the table holds', { seen, stored: [...stored] });
  }
  if (seen.some((id) => !stored.has(id))) {
    fail('the API lists a session the table does not hold', { seen });
  }
}

import { Pool } from 'pg';
import { insertMessageStatement, type MessageRow } from '../../src/sessions/sql/message.sql';
import {
  listSessionsStatement,
  selectSessionStatement,
  type SessionRow,
} from '../../src/sessions/sql/session.sql';
import type { SqlStatement } from '../../src/database/query-rows';

/**
 * The statements the server runs for the benchmarked routes, built by the server's own builders
 * (src/sessions/sql/), over a plain `pg` pool of the server's size (DB_POOL_MAX, default 10): what
 * the baselines do per request, with no framework in between.
 */
export class BaselineQueries {
  readonly pool: Pool;
  private readonly ownerId: string;
  private readyAt = 0;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    const url = env.DATABASE_URL;
    if (url === undefined) {
      throw new Error('DATABASE_URL is required');
    }
    this.ownerId = env.LOCAL_OWNER_ID ?? '00000000-0000-4000-8000-000000000001';
    this.pool = new Pool({ connectionString: url, max: Number(env.DB_POOL_MAX ?? 10) });
  }

  async session(id: string): Promise<SessionRow | undefined> {
    const [row] = await this.rows(selectSessionStatement(this.ownerId, id));
    return row;
  }

  /** A page of 20, fetched as 21 (the server reads one more to know whether a next page exists). */
  async sessions(): Promise<SessionRow[]> {
    return (await this.rows(listSessionsStatement(this.ownerId, { rows: 21 }))).slice(0, 20);
  }

  async insertMessage(sessionId: string, content: string): Promise<MessageRow | undefined> {
    const [row] = await this.rows(insertMessageStatement(this.ownerId, sessionId, { content }));
    return row;
  }

  /** Like the server's readiness: a database round trip at most once a second. */
  async ready(): Promise<void> {
    if (Date.now() - this.readyAt > 1000) {
      await this.pool.query('SELECT 1');
      this.readyAt = Date.now();
    }
  }

  private async rows<Row>(statement: SqlStatement<Row>): Promise<Row[]> {
    return (await this.pool.query(statement.sql, statement.parameters)).rows as Row[];
  }
}

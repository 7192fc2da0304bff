import type { SqlStatement } from '../database/query-rows';
import { SessionReads } from './session-reads';
import type { SessionRow } from './sql/session.sql';

const OWNER = '00000000-0000-4000-8000-00000000000a';
const OTHER = '00000000-0000-4000-8000-00000000000b';
const id = (n: number): string => `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const rowOf = (ownerId: string, sessionId: string): SessionRow =>
  ({ id: sessionId, owner_id: ownerId, title: `session ${sessionId}` }) as SessionRow;

/** A database holding sessions 1–9 of OWNER; each statement is answered when the test says. */
function fakeDatabase() {
  const statements: Array<{ statement: SqlStatement; answer(): void; fail(e: Error): void }> = [];
  const stored = new Map([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => [id(n), rowOf(OWNER, id(n))]));
  const rows = <Row>(statement: SqlStatement<Row>): Promise<Row[]> =>
    new Promise((resolve, reject) => {
      const [ids, owners] = statement.sql.includes('unnest')
        ? (statement.parameters as [string[], string[]])
        : [[statement.parameters[0] as string], [statement.parameters[1] as string]];
      const found = ids.flatMap((sessionId, i) => {
        const row = stored.get(sessionId.toLowerCase());
        return row !== undefined && row.owner_id === owners[i] ? [row] : [];
      });
      statements.push({
        statement,
        answer: () => resolve(found as Row[]),
        fail: reject,
      });
    });
  return { statements, rows };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('SessionReads', () => {
  it('should read one session alone by the single-row statement', async () => {
    const db = fakeDatabase();
    const reads = new SessionReads(db.rows, { maxInFlight: 2, maxBatch: 64 });
    const read = reads.read({ ownerId: OWNER, id: id(1) });
    await turn();
    expect(db.statements).toHaveLength(1);
    expect(db.statements[0]!.statement.sql).not.toContain('unnest');
    db.statements[0]!.answer();
    await expect(read).resolves.toMatchObject({ id: id(1) });
  });

  it('should answer reads of one turn from one statement, each with its own row or none', async () => {
    const db = fakeDatabase();
    const reads = new SessionReads(db.rows, { maxInFlight: 2, maxBatch: 64 });
    const answers = Promise.all([
      reads.read({ ownerId: OWNER, id: id(1) }),
      reads.read({ ownerId: OWNER, id: id(2).toUpperCase() }),
      reads.read({ ownerId: OTHER, id: id(1) }),
      reads.read({ ownerId: OWNER, id: id(1) }),
      reads.read({ ownerId: OWNER, id: id(42) }),
    ]);
    await turn();
    expect(db.statements).toHaveLength(1);
    // The pair asked twice is sent once.
    expect((db.statements[0]!.statement.parameters[0] as string[]).length).toBe(4);
    db.statements[0]!.answer();
    expect((await answers).map((row) => row?.id)).toEqual([
      id(1),
      id(2),
      undefined,
      id(1),
      undefined,
    ]);
  });

  it('should hold reads while maxInFlight statements run, then send them together', async () => {
    const db = fakeDatabase();
    const reads = new SessionReads(db.rows, { maxInFlight: 2, maxBatch: 64 });
    const first = reads.read({ ownerId: OWNER, id: id(1) });
    await turn();
    const second = reads.read({ ownerId: OWNER, id: id(2) });
    await turn();
    const held = [3, 4, 5].map((n) => reads.read({ ownerId: OWNER, id: id(n) }));
    await turn();
    const heldLater = reads.read({ ownerId: OWNER, id: id(6) });
    await turn();
    expect(db.statements).toHaveLength(2);

    db.statements[0]!.answer();
    await expect(first).resolves.toMatchObject({ id: id(1) });
    await turn();
    expect(db.statements).toHaveLength(3);
    expect(db.statements[2]!.statement.parameters[0]).toEqual([3, 4, 5, 6].map(id));
    db.statements[1]!.answer();
    db.statements[2]!.answer();
    await expect(second).resolves.toMatchObject({ id: id(2) });
    expect((await Promise.all([...held, heldLater])).map((row) => row?.id)).toEqual(
      [3, 4, 5, 6].map(id),
    );
  });

  it('should split a turn into statements of at most maxBatch reads', async () => {
    const db = fakeDatabase();
    const reads = new SessionReads(db.rows, { maxInFlight: 2, maxBatch: 3 });
    const answers = Promise.all(
      [1, 2, 3, 4, 5, 6, 7].map((n) => reads.read({ ownerId: OWNER, id: id(n) })),
    );
    await turn();
    expect(db.statements.map((s) => (s.statement.parameters[0] as string[]).length)).toEqual([
      3, 3,
    ]);
    db.statements.forEach((s) => s.answer());
    await turn();
    expect(db.statements).toHaveLength(3);
    db.statements[2]!.answer();
    expect((await answers).map((row) => row?.id)).toEqual([1, 2, 3, 4, 5, 6, 7].map(id));
  });

  it('should fail the reads of a failed statement only, and go on with the next', async () => {
    const db = fakeDatabase();
    const reads = new SessionReads(db.rows, { maxInFlight: 1, maxBatch: 64 });
    const failed = Promise.allSettled([1, 2].map((n) => reads.read({ ownerId: OWNER, id: id(n) })));
    await turn();
    const after = reads.read({ ownerId: OWNER, id: id(3) });
    await turn();
    db.statements[0]!.fail(new Error('connection lost'));
    expect((await failed).map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    await turn();
    db.statements[1]!.answer();
    await expect(after).resolves.toMatchObject({ id: id(3) });
  });
});

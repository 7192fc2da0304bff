import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { baseUrl, createTestApp } from '../support/test-app';
import { expectAlive, expectWellAnswered } from './answer-checks';
import { CALLERS, type FuzzCaller } from './callers';
import { fuzzParameters } from './fuzz-run';
import { exchange } from './http-exchange';
import { apiRequest, type FuzzCase, type KnownIds, otherRequest, recordWrite } from './rest-routes';
import { expectConsistent, WriteLedger } from './write-ledger';

const FUZZ_TIMEOUT_MS = 120_000;

/**
 * Property-based fuzzing of every REST route (docs/testing.md) against the production stack
 * in-process on real Postgres: junk in the path, the query, the headers and the body. Whatever
 * comes in, the answer is never a 5xx, every non-2xx is the error envelope, the process keeps
 * answering /health/live, and afterwards the data is exactly what the 2xx writes said.
 */
describe.each(CALLERS)('REST fuzz as $label (e2e)', (caller: FuzzCaller) => {
  // The real PrincipalResolver, with a local owner of this suite's own: its data is apart from
  // every other suite's on the shared database.
  const ownerId = randomUUID();
  let app: INestApplication;
  let base: string;
  let ledger: WriteLedger;
  let runIds: string[];

  beforeAll(async () => {
    app = await createTestApp({ listen: true, env: caller.env(ownerId) });
    base = baseUrl(app);
  });

  afterAll(async () => {
    await app.close();
  });

  const query = (sql: string, parameters: unknown[]): Promise<unknown[]> =>
    app.get(DataSource).query(sql, parameters);

  const known: KnownIds = {
    sessions: () => ledger.liveSessionIds(),
    runs: () => runIds,
  };

  /** A fresh ledger per test over a few sessions with messages (and their queued runs). */
  beforeEach(async () => {
    // The owner's sessions (their messages and runs cascade) are this suite's alone.
    await query('DELETE FROM sessions WHERE owner_id = $1', [ownerId]);
    ledger = new WriteLedger();
    runIds = [];
    for (let i = 0; i < 3; i += 1) {
      await run({
        route: 'session.create',
        request: postJson('/api/sessions', { title: `fuzz ${i}` }),
        sent: { title: `fuzz ${i}` },
      });
    }
    // The caller can write: a fuzz run over no data (every answer a 401, say) would prove nothing.
    expect(ledger.liveSessionIds()).toHaveLength(3);
    for (const sessionId of ledger.liveSessionIds()) {
      await run({
        route: 'message.create',
        request: postJson(`/api/sessions/${sessionId}/messages`, { content: 'hello' }),
      });
      const runs = await exchange(base, {
        method: 'GET',
        path: `/api/sessions/${sessionId}/runs`,
        headers: await caller.headers(ownerId),
      });
      runIds.push(...(runs.json as Array<{ id: string }>).map((r) => r.id));
    }
  });

  function postJson(path: string, value: unknown): FuzzCase['request'] {
    return {
      method: 'POST',
      path,
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.from(JSON.stringify(value)),
    };
  }

  /** One fuzzed exchange as this caller (junk headers win over the caller's), checked and noted. */
  async function run(fuzzed: FuzzCase): Promise<void> {
    const request = {
      ...fuzzed.request,
      headers: { ...(await caller.headers(ownerId)), ...fuzzed.request.headers },
    };
    const response = await exchange(base, request);
    expectWellAnswered(request, response);
    recordWrite(fuzzed, response, ledger);
  }

  async function afterBatch(): Promise<void> {
    await expectAlive(base);
    await expectConsistent(ledger, ownerId, query, base, await caller.headers(ownerId));
  }

  it(
    'should answer junk on every session, message, run and live route without a 5xx, in the envelope',
    async () => {
      await fc.assert(fc.asyncProperty(apiRequest(known), run), fuzzParameters(1));
      await afterBatch();
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'should answer short bursts of junk writes to one session and keep its seqs and versions',
    async () => {
      const burst = fc.array(apiRequest(known), { minLength: 2, maxLength: 6 });
      await fc.assert(
        fc.asyncProperty(burst, async (cases) => {
          // Concurrent, as clients would: the ledger must still match the table afterwards.
          await Promise.all(cases.map((fuzzed) => run(fuzzed)));
        }),
        fuzzParameters(0.3),
      );
      await afterBatch();
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'should answer junk on the probes, /metrics, unknown paths and methods without a 5xx',
    async () => {
      await fc.assert(fc.asyncProperty(otherRequest(known), run), fuzzParameters(0.5));
      await afterBatch();
    },
    FUZZ_TIMEOUT_MS,
  );
});

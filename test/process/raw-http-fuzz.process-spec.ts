import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Client } from 'pg';
import { expectAlive, expectWellAnswered, isErrorEnvelope } from '../fuzz/answer-checks';
import { fuzzParameters } from '../fuzz/fuzz-run';
import { exchange } from '../fuzz/http-exchange';
import { rawExchange } from '../fuzz/raw-socket-exchange';
import { rawRequest } from '../fuzz/raw-requests';
import { apiRequest, recordWrite } from '../fuzz/rest-routes';
import { expectConsistent, WriteLedger } from '../fuzz/write-ledger';
import { type ServerProcess, stopStartedServers } from '../support/server-process';
import { startTestServer, testDatabaseUrl } from '../support/test-app';

const FUZZ_TIMEOUT_MS = 120_000;

/**
 * The fuzz against the built server as a process (docs/testing.md), so that junk bytes meet the
 * real stack from the socket up: Node's HTTP parser, express, Nest, Postgres. Whatever arrives,
 * the answer is never a 5xx, a non-2xx carries the error envelope, the process stays up, and the
 * data is what the 2xx writes said.
 */
describe('raw HTTP fuzz (process)', () => {
  const ownerId = randomUUID();
  let server: ServerProcess;
  let base: string;
  let port: number;
  let db: Client;

  beforeAll(async () => {
    ({ server, url: base, port } = await startTestServer({ LOCAL_OWNER_ID: ownerId }));
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await stopStartedServers();
  });

  const query = async (sql: string, parameters: unknown[]): Promise<unknown[]> =>
    (await db.query(sql, parameters)).rows as unknown[];

  it(
    'should answer raw junk bytes (framing, header bytes, bodies) without a 5xx, in the envelope',
    async () => {
      await fc.assert(
        fc.asyncProperty(rawRequest, async ({ bytes, head }) => {
          const answer = await rawExchange(port, bytes);
          const preview = JSON.stringify(bytes.toString('latin1').slice(0, 300));
          if (answer.status === undefined) {
            // Closed without a word: only acceptable when nothing at all was sent back.
            if (answer.head !== '') {
              throw new Error(`unparseable answer to ${preview}: ${answer.head.slice(0, 200)}`);
            }
            return;
          }
          const status = answer.status;
          if (
            status >= 500 ||
            (!head && (status < 200 || status >= 300) && !isErrorEnvelope(answer.json, status))
          ) {
            throw new Error(
              `${preview}\n  → ${answer.head.split('\r\n')[0]} ${answer.body.slice(0, 300)}`,
            );
          }
        }),
        fuzzParameters(0.5),
      );
      await expectAlive(base);
      expect(server.running).toBe(true);
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'should answer junk on every route of the built server and keep its data consistent',
    async () => {
      // The raw fuzz above may have written too: this test's ledger starts from nothing.
      await query('DELETE FROM sessions WHERE owner_id = $1', [ownerId]);
      const ledger = new WriteLedger();
      await fc.assert(
        fc.asyncProperty(
          apiRequest({ sessions: () => ledger.liveSessionIds(), runs: () => [] }),
          async (fuzzed) => {
            const response = await exchange(base, fuzzed.request);
            expectWellAnswered(fuzzed.request, response);
            recordWrite(fuzzed, response, ledger);
          },
        ),
        fuzzParameters(0.5),
      );
      await expectAlive(base);
      expect(server.running).toBe(true);
      await expectConsistent(ledger, ownerId, query, base);
    },
    FUZZ_TIMEOUT_MS,
  );
});

import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import type { ErrorEnvelope } from '../../src/common/errors/error-envelope';
import { LiveSocket } from '../support/live-clients';
import { baseUrl, createTestApp } from '../support/test-app';
import { expectAlive, isErrorEnvelope } from './answer-checks';
import { dtoBody, idSegment, junkJson, junkNumber, validContent } from './arbitraries';
import { CALLERS, type FuzzCaller } from './callers';
import { fuzzParameters } from './fuzz-run';
import { exchange } from './http-exchange';
import { expectConsistent, WriteLedger } from './write-ledger';

const FUZZ_TIMEOUT_MS = 120_000;
const EVENTS = ['session:join', 'session:leave', 'message:create'] as const;

interface Emission {
  event: string;
  payload: unknown;
  /** Emitted with an ack callback (a known event must then answer). */
  withAck: boolean;
}

/** `depth` nested objects around a session id: what the depth limit must refuse. */
function deeplyNested(depth: number, sessionId: string): unknown {
  let value: unknown = sessionId;
  for (let i = 0; i < depth; i += 1) {
    value = { sessionId: value };
  }
  return value;
}

/**
 * Property-based fuzzing of the socket.io gateway (docs/testing.md): junk payloads on
 * session:join, session:leave and message:create, and events the gateway does not know. Every ack
 * is an answer or the error envelope (never a 5xx), the socket stays connected, the process keeps
 * answering /health/live, and the messages acked are exactly those stored.
 */
describe.each(CALLERS)('socket.io fuzz as $label (e2e)', (caller: FuzzCaller) => {
  const ownerId = randomUUID();
  let app: INestApplication;
  let base: string;
  let ledger: WriteLedger;
  let socket: LiveSocket;

  beforeAll(async () => {
    app = await createTestApp({ listen: true, env: caller.env(ownerId) });
    base = baseUrl(app);
  });

  afterAll(async () => {
    await app.close();
  });

  const query = (sql: string, parameters: unknown[]): Promise<unknown[]> =>
    app.get(DataSource).query(sql, parameters);

  beforeEach(async () => {
    await query('DELETE FROM sessions WHERE owner_id = $1', [ownerId]);
    ledger = new WriteLedger();
    for (let i = 0; i < 2; i += 1) {
      const created = await exchange(base, {
        method: 'POST',
        path: '/api/sessions',
        headers: { ...(await caller.headers(ownerId)), 'Content-Type': 'application/json' },
        body: Buffer.from(JSON.stringify({ title: `socket fuzz ${i}` })),
      });
      expect(created.status).toBe(201);
      ledger.sessionCreated((created.json as { id: string }).id);
    }
    socket = await LiveSocket.connect(base, await caller.headers(ownerId));
  });

  afterEach(() => socket.close());

  const sessionId = idSegment(() => ledger.liveSessionIds()).map((id) => decodeSafe(id));
  const payload: fc.Arbitrary<unknown> = fc.oneof(
    {
      weight: 6,
      arbitrary: dtoBody({
        sessionId,
        afterSeq: fc.oneof(fc.nat(), junkNumber),
        content: validContent,
        role: fc.constant('user'),
      }),
    },
    { weight: 2, arbitrary: junkJson(['sessionId', 'afterSeq', 'content', 'role']) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    fc
      .tuple(fc.integer({ min: 2_000, max: 3_000 }), sessionId)
      .map(([depth, id]) => deeplyNested(depth, id)),
  );
  const emission: fc.Arbitrary<Emission> = fc.record({
    event: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...EVENTS) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('session:JOIN', 'message', 'exception', '__proto__', 'x'),
      },
    ),
    payload,
    withAck: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)),
  });

  /** One emission, checked: the ack (or `exception` event) is an answer, never a 5xx. */
  async function emit({ event, payload: data, withAck }: Emission): Promise<void> {
    const known = (EVENTS as readonly string[]).includes(event);
    // A message:create is always acked: without an ack its write could not be told apart from a
    // refusal, and the ledger must know every stored message.
    if ((!withAck && event !== 'message:create') || !known) {
      const exceptionsBefore = socket.events('exception').length;
      socket.socket.emit(event, data);
      // A round trip on the same socket: the server has handled the emission before it answers.
      await socket.request('session:leave', { sessionId: randomUUID() });
      const failures = socket
        .events<ErrorEnvelope>('exception')
        .slice(exceptionsBefore)
        .filter(
          (envelope) =>
            !isErrorEnvelope(envelope, envelope.statusCode) || envelope.statusCode >= 500,
        );
      if (failures.length > 0) {
        throw new Error(`${event} ${preview(data)} without ack: ${JSON.stringify(failures)}`);
      }
    } else {
      const ack = await socket.request<unknown>(event, data);
      const failed = (ack as { success?: unknown } | null)?.success === false;
      if (failed) {
        const envelope = ack as ErrorEnvelope;
        if (!isErrorEnvelope(envelope, envelope.statusCode) || envelope.statusCode >= 500) {
          throw new Error(`${event} ${preview(data)} acked ${JSON.stringify(ack).slice(0, 500)}`);
        }
      } else if (event === 'message:create') {
        const { message } = ack as {
          message: { id: string; sessionId: string; seq: number; content: string };
        };
        ledger.messageCreated(message);
        const sent = (data as { content?: unknown }).content;
        if (message.content !== sent) {
          throw new Error(
            `message:create acked content ${JSON.stringify(message.content)} for ${JSON.stringify(sent)}`,
          );
        }
      }
    }
    if (!socket.socket.connected) {
      throw new Error(
        `the server dropped the socket after ${event} ${preview(data)}: ${socket.disconnectReason}`,
      );
    }
  }

  it(
    'should ack junk on every gateway event with an answer or the envelope, and keep the socket',
    async () => {
      await fc.assert(fc.asyncProperty(emission, emit), fuzzParameters(1));
      await expectAlive(base);
      await expectConsistent(ledger, ownerId, query, base, await caller.headers(ownerId));
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'should refuse or accept junk handshake headers without taking the process down',
    async () => {
      const headers = fc.dictionary(
        fc.constantFrom('Authorization', 'Cookie', 'X-Request-Id', 'Origin', 'X-Junk'),
        fc.string({ maxLength: 200, unit: 'grapheme-ascii' }),
        { maxKeys: 3 },
      );
      await fc.assert(
        fc.asyncProperty(headers, async (junk) => {
          const client = await LiveSocket.connect(base, {
            ...(await caller.headers(ownerId)),
            ...junk,
          }).catch((error: unknown) => error);
          if (client instanceof LiveSocket) {
            // A session that is no one's: leaving is done either way, and the gateway may ack it
            // as a 404 (not this owner's), as REST answers for a session one does not own. Either
            // answer shows the connection it accepted works.
            const ack = await client.request<unknown>('session:leave', { sessionId: randomUUID() });
            client.close();
            const answered =
              isErrorEnvelope(ack, 404) ||
              (typeof ack === 'object' &&
                ack !== null &&
                (ack as { left?: unknown }).left === true);
            expect({ answered, ack }).toEqual({ answered: true, ack });
          }
        }),
        fuzzParameters(0.2),
      );
      await expectAlive(base);
    },
    FUZZ_TIMEOUT_MS,
  );
});

function preview(data: unknown): string {
  const text = JSON.stringify(data) ?? String(data);
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
}

/** A path segment back to the id it stands for (payloads carry ids, not URL segments). */
function decodeSafe(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

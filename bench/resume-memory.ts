/**
 * npm run bench:resume-memory — the server's resident memory while clients resume a long
 * conversation from its start. One built server (SERVER_ENTRY, default dist/main.js; this script
 * builds nothing) on a fresh database created on BENCH_PG_URL's server (dropped afterwards). A
 * session gets MESSAGES messages of LENGTH characters in one INSERT; then SOCKETS socket.io
 * clients and STREAMS EventSources resume from seq 0 at once, paging as docs/live-events.md says,
 * and each is checked to hold every message once, in order. The server's RSS (from /proc) is
 * sampled every 20 ms.
 *
 *   SERVER_ENTRY=dist-main/main.js STREAMS=0 npm run bench:resume-memory
 */
import { readFile } from 'node:fs/promises';
import { Client } from 'pg';
import { createDatabase } from '../test/support/create-database';
import {
  eventually,
  LiveEventSource,
  LiveSocket,
  resumeSocket,
} from '../test/support/live-clients';
import { insertLongConversation, sessionSeqs } from '../test/support/long-conversation';
import { postCreated } from '../test/support/post-created';
import { ServerProcess } from '../test/support/server-process';

const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MESSAGES = Number(process.env.MESSAGES ?? 1500);
const LENGTH = Number(process.env.LENGTH ?? 10_000);
const SOCKETS = Number(process.env.SOCKETS ?? 20);
const STREAMS = Number(process.env.STREAMS ?? 20);

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

function sameSeqs(received: number[], expected: number[]): boolean {
  return received.length === expected.length && received.every((seq, i) => seq === expected[i]);
}

async function main(): Promise<void> {
  const database = await createDatabase(ADMIN_URL, `renovation_bench_resume_${process.pid}`);
  const server = ServerProcess.start({
    DATABASE_URL: database.url,
    PORT: '0',
    LOG_LEVEL: 'info', // the "started" line that carries the port is logged at info
    // Every client here is the one local user: lift the per-user caps on live connections.
    SOCKET_IO_MAX_PER_PRINCIPAL: '1000',
    SSE_MAX_PER_PRINCIPAL: '1000',
  });
  const db = new Client({ connectionString: database.url });
  const clients: Array<{ close(): void }> = [];
  try {
    const url = `http://127.0.0.1:${await server.started(60_000)}`;
    await db.connect();
    const session = await postCreated<{ id: string }>(`${url}/api/sessions`, { title: 'bench' });
    await insertLongConversation(db, session.id, { count: MESSAGES, length: LENGTH });
    const expected = await sessionSeqs(db, session.id);

    const before = await rssMb(server.pid);
    let peak = before;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rssMb(server.pid));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const started = performance.now();
    const sockets = await Promise.all(
      Array.from({ length: SOCKETS }, () => LiveSocket.connect(url)),
    );
    clients.push(...sockets);
    const streams = Array.from(
      { length: STREAMS },
      () => new LiveEventSource(`${url}/api/sessions/${session.id}/events?after=0`),
    );
    clients.push(...streams);
    const [resumed] = await Promise.all([
      Promise.all(
        sockets.map((socket) =>
          resumeSocket<{ seq: number }>(socket, session.id, 0, { kind: 'join' }),
        ),
      ),
      Promise.all(
        streams.map((stream) =>
          eventually(
            () => stream.seqs().length >= expected.length,
            'an EventSource to catch up',
            120_000,
          ),
        ),
      ),
    ]);
    const elapsed = performance.now() - started;
    sampling = false;
    await sampler;
    const after = await rssMb(server.pid);

    const socketsComplete = resumed.filter(({ messages }) =>
      sameSeqs(
        messages.map((message) => message.seq),
        expected,
      ),
    ).length;
    const streamsComplete = streams.filter((stream) => sameSeqs(stream.seqs(), expected)).length;
    const maxAcks = Math.max(0, ...resumed.map(({ acks }) => acks.length));
    console.log(
      `${MESSAGES} messages × ${LENGTH} characters; ${SOCKETS} socket.io clients ` +
        `(${maxAcks} acks each) and ${STREAMS} EventSources resuming from 0 at once`,
    );
    console.log(
      `  every message once, in order: sockets ${socketsComplete}/${SOCKETS}, ` +
        `streams ${streamsComplete}/${STREAMS}; all caught up in ${Math.round(elapsed)} ms`,
    );
    console.log(
      `  server RSS: before ${before.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, ` +
        `after ${after.toFixed(0)} MB`,
    );
  } finally {
    clients.forEach((client) => client.close());
    await db.end().catch(() => undefined);
    await server.stop(10_000);
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * npm run bench:gateway — cross-replica fan-out through Postgres NOTIFY, measured end to end with
 * real clients. Two built servers (SERVER_ENTRY, default dist/main.js; this script builds nothing)
 * on a fresh database created on BENCH_PG_URL's server (dropped afterwards). SOCKETS socket.io
 * clients and STREAMS EventSources on instance B watch one session; MESSAGES messages are posted
 * through instance A's REST API, CONCURRENCY at a time. Latency is from the POST being sent to the
 * event arriving at each client. Then RESUME_GAP messages are posted while one socket is away and
 * its join with afterSeq is timed.
 *
 *   SERVER_ENTRY=dist-gateway/main.js npm run bench:gateway
 */
import {
  LiveEventSource,
  LiveSocket,
  eventually,
  resumeSocket,
} from '../test/support/live-clients';
import { createDatabase } from '../test/support/create-database';
import { ServerProcess } from '../test/support/server-process';
import { postCreated } from '../test/support/post-created';
import { percentile } from './statistics';

const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SOCKETS = Number(process.env.SOCKETS ?? 200);
const STREAMS = Number(process.env.STREAMS ?? 50);
const MESSAGES = Number(process.env.MESSAGES ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);
const RESUME_GAP = Number(process.env.RESUME_GAP ?? 1000);

interface Message {
  seq: number;
}

async function main(): Promise<void> {
  const database = await createDatabase(ADMIN_URL, `renovation_bench_gateway_${process.pid}`);
  // info: the "started" line that carries the port is logged at info.
  const env = {
    DATABASE_URL: database.url,
    PORT: '0',
    LOG_LEVEL: 'info',
    // Every client here is the one local user: lift the per-user caps on live connections.
    SOCKET_IO_MAX_PER_PRINCIPAL: '1000',
    SSE_MAX_PER_PRINCIPAL: '1000',
  };
  const a = ServerProcess.start(env);
  const b = ServerProcess.start(env);
  const clients: Array<{ close(): void }> = [];
  try {
    const [portA, portB] = await Promise.all([a.started(60_000), b.started(60_000)]);
    const urlA = `http://127.0.0.1:${portA}`;
    const urlB = `http://127.0.0.1:${portB}`;
    const session = await postCreated<{ id: string }>(`${urlA}/api/sessions`, { title: 'bench' });
    const sockets: LiveSocket[] = [];
    for (let index = 0; index < SOCKETS; index += 1) {
      const socket = await LiveSocket.connect(urlB);
      await socket.request('session:join', { sessionId: session.id });
      sockets.push(socket);
    }
    const streams: LiveEventSource[] = [];
    for (let index = 0; index < STREAMS; index += 1) {
      const stream = new LiveEventSource(`${urlB}/api/sessions/${session.id}/events`);
      await stream.waitFor('snapshot');
      streams.push(stream);
    }
    clients.push(...sockets, ...streams);

    // Arrivals are kept by seq and matched to send times at the end: an event may reach a client
    // on B before the 201 from A has reached this script.
    const arrivals = new Map<number, number[]>();
    let delivered = 0;
    const record = (message: Message): void => {
      const at = performance.now();
      arrivals.set(message.seq, [...(arrivals.get(message.seq) ?? []), at]);
      delivered += 1;
    };
    sockets.forEach((socket) => socket.socket.on('message.created', record));
    streams.forEach((stream) =>
      stream.source.addEventListener('message.created', (event) =>
        record(JSON.parse(event.data) as Message),
      ),
    );

    const sentAt = new Map<number, number>();
    const benchStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < MESSAGES) {
          next += 1;
          const at = performance.now();
          const message = await postCreated<Message>(
            `${urlA}/api/sessions/${session.id}/messages`,
            {
              content: `bench ${next}`,
            },
          );
          sentAt.set(message.seq, at);
        }
      }),
    );
    const expected = MESSAGES * (SOCKETS + STREAMS);
    await eventually(
      () => delivered >= expected,
      `${expected} deliveries (have ${delivered})`,
      60_000,
    );
    const elapsed = performance.now() - benchStarted;
    const latencies = [...arrivals].flatMap(([seq, times]) =>
      times.map((at) => at - (sentAt.get(seq) ?? NaN)),
    );
    latencies.sort((x, y) => x - y);
    console.log(
      `fan-out A→B: ${MESSAGES} messages × ${SOCKETS} socket.io + ${STREAMS} SSE clients = ` +
        `${latencies.length}/${expected} deliveries in ${Math.round(elapsed)} ms`,
    );
    console.log(
      `  POST sent → event at client: p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
        `p95 ${percentile(latencies, 95).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, ` +
        `max ${(latencies.at(-1) ?? NaN).toFixed(1)} ms`,
    );

    // Resume: one socket away while RESUME_GAP messages are posted, then rejoins with its seq.
    const away = sockets[0]!;
    const lastSeq = Math.max(...away.seqs(), 0);
    away.close();
    for (let index = 0; index < RESUME_GAP; index += 1) {
      await postCreated<Message>(`${urlA}/api/sessions/${session.id}/messages`, {
        content: `gap ${index}`,
      });
    }
    const back = await LiveSocket.connect(urlA);
    clients.push(back);
    const joinStarted = performance.now();
    // Pages of RESUME_MAX_MESSAGES, joining again from each ack's nextAfter until caught up.
    const { messages: missed, acks } = await resumeSocket<Message>(back, session.id, lastSeq, {
      kind: 'join',
    });
    const joinMs = performance.now() - joinStarted;
    const ordered = missed.every((m, i, all) => i === 0 || all[i - 1]!.seq < m.seq);
    console.log(
      `resume: join with afterSeq after a gap of ${RESUME_GAP} messages → ${missed.length} ` +
        `missed in ${acks.length} acks (${ordered ? 'in order' : 'OUT OF ORDER'}) in ${joinMs.toFixed(1)} ms`,
    );

    // Drain: SIGTERM B with its remaining long-lived clients open.
    const stillOnB = sockets.slice(1);
    const goneAt = new Map<LiveSocket, number>();
    stillOnB.forEach((socket) =>
      socket.socket.once('disconnect', () => goneAt.set(socket, performance.now())),
    );
    const signalledAt = performance.now();
    b.kill('SIGTERM');
    const exit = await b.exited;
    const exitMs = performance.now() - signalledAt;
    await eventually(() => goneAt.size === stillOnB.length, 'disconnects');
    const told = stillOnB.filter((socket) => socket.events('server:draining').length > 0).length;
    const shutdownEvents = streams.filter((stream) => stream.events('shutdown').length > 0).length;
    const offsets = [...goneAt.values()].map((at) => at - signalledAt).sort((x, y) => x - y);
    console.log(
      `drain: SIGTERM to B with ${stillOnB.length} socket.io + ${STREAMS} SSE clients → ` +
        `exit ${exit.code} after ${Math.round(exitMs)} ms; server:draining to ${told}/${stillOnB.length}, ` +
        `shutdown event to ${shutdownEvents}/${STREAMS}; socket disconnects spread over ` +
        `${Math.round(offsets[0] ?? NaN)}–${Math.round(offsets.at(-1) ?? NaN)} ms after the signal`,
    );
  } finally {
    clients.forEach((client) => client.close());
    a.kill('SIGTERM');
    b.kill('SIGTERM');
    await Promise.all([a.exited, b.exited]);
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

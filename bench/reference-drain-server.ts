import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool } from 'pg';
import { Server as SocketServer } from 'socket.io';

/**
 * The yardstick bench:drain measures our drain against: a plain node:http server with the same
 * route shapes (read a session, post a message with one INSERT, an SSE stream, socket.io joins) on
 * the same database, and the plainest drain there is. On SIGTERM, in one tick: readiness 503,
 * listener closed, then `Connection: close` on every response, idle sockets closed with
 * closeIdleConnections(), SSE streams and socket.io clients let go at once; exit when the last
 * in-flight request is done. No bounds, no metrics, no logging beyond two lines: the floor for the
 * exit time. Its lost-request count shows what closeIdleConnections() costs (docs/lifecycle.md).
 *
 * Run as `node -r ts-node/register/transpile-only bench/reference-drain-server.ts` with
 * DATABASE_URL and PORT (0 for any); prints `{"msg":"started","port":N}` like the real server.
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
let draining = false;
let inFlight = 0;
const streams = new Set<ServerResponse>();

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': text.length });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        resolve(chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    req.on('error', reject);
  });
}

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const session = /^\/api\/sessions\/([0-9a-f-]{36})(\/messages|\/events)?$/.exec(url);
  if (url === '/health/ready') {
    json(res, draining ? 503 : 200, { status: draining ? 'draining' : 'ok' });
  } else if (req.method === 'POST' && url === '/api/sessions') {
    const { title } = (await readBody(req)) as { title?: string };
    const { rows } = await pool.query<{ id: string }>(
      'INSERT INTO reference_sessions (title) VALUES ($1) RETURNING id',
      [title ?? 'untitled'],
    );
    json(res, 201, rows[0]);
  } else if (session !== null && req.method === 'GET' && session[2] === undefined) {
    const { rows } = await pool.query('SELECT * FROM reference_sessions WHERE id = $1', [
      session[1],
    ]);
    json(res, rows.length === 1 ? 200 : 404, rows[0] ?? {});
  } else if (session !== null && req.method === 'POST' && session[2] === '/messages') {
    const { content } = (await readBody(req)) as { content?: string };
    const { rows } = await pool.query(
      'INSERT INTO reference_messages (session_id, content) VALUES ($1, $2) RETURNING *',
      [session[1], content ?? ''],
    );
    json(res, 201, rows[0]);
  } else if (session !== null && req.method === 'GET' && session[2] === '/events') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('event: snapshot\ndata: {}\n\n');
    streams.add(res);
    res.once('close', () => streams.delete(res));
  } else {
    json(res, 404, { code: 'NOT_FOUND' });
  }
}

const server = createServer((req, res) => {
  if (draining) {
    res.setHeader('connection', 'close');
  }
  inFlight += 1;
  res.once('close', () => {
    inFlight -= 1;
    if (draining && inFlight === 0) {
      finish();
    }
  });
  route(req, res).catch((error: unknown) =>
    json(res, 500, { code: 'INTERNAL', message: String(error) }),
  );
});
const io = new SocketServer(server, { path: '/socket.io', transports: ['websocket'] });
io.on('connection', (socket) => {
  socket.on('session:join', (_payload: unknown, ack?: (reply: unknown) => void) =>
    ack?.({ ok: true, data: { messages: [] } }),
  );
});

let finishing = false;
function finish(): void {
  if (finishing) {
    return;
  }
  finishing = true;
  void pool.end().then(() => process.exit(0));
}

process.once('SIGTERM', () => {
  draining = true;
  console.log(JSON.stringify({ msg: 'shutdown started (SIGTERM): draining', time: Date.now() }));
  server.close();
  server.closeIdleConnections();
  for (const stream of streams) {
    stream.end('event: shutdown\nretry: 1000\ndata: {}\n\n', () => stream.socket?.end());
  }
  io.disconnectSockets(true);
  if (inFlight === 0) {
    finish();
  }
});

async function main(): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS reference_sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(), title text NOT NULL)`);
  await pool.query(`CREATE TABLE IF NOT EXISTS reference_messages (
    id bigserial PRIMARY KEY, session_id uuid NOT NULL, content text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now())`);
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    console.log(JSON.stringify({ msg: 'started', port, time: Date.now() }));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { BaselineQueries } from './baseline-queries';

/**
 * The raw `node:http` baseline of `npm run bench:http`: the benchmarked routes, the same
 * statements over the same pool size, routed by hand. Prints `{"msg":"started","port":N}`.
 */
const queries = new BaselineQueries();
const SESSION = /^\/api\/sessions\/([^/]+)$/;
const MESSAGES = /^\/api\/sessions\/([^/]+)\/messages$/;

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
  });
  res.end(json);
}

function readJson(req: IncomingMessage): Promise<{ content: string }> {
  return new Promise((resolve, reject) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      try {
        resolve(JSON.parse(raw) as { content: string });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    req.on('error', reject);
  });
}

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  if (req.method === 'GET' && url === '/health/live') {
    return send(res, 200, { status: 'ok' });
  }
  if (req.method === 'GET' && url === '/health/ready') {
    await queries.ready();
    return send(res, 200, { status: 'ok' });
  }
  if (req.method === 'GET' && url.startsWith('/api/sessions')) {
    const id = SESSION.exec(url)?.[1];
    if (id === undefined) {
      return send(res, 200, { items: await queries.sessions() });
    }
    const row = await queries.session(id);
    return row === undefined ? send(res, 404, { code: 'NOT_FOUND' }) : send(res, 200, row);
  }
  const sessionId = MESSAGES.exec(url)?.[1];
  if (req.method === 'POST' && sessionId !== undefined) {
    const body = await readJson(req);
    const row = await queries.insertMessage(sessionId, body.content);
    return row === undefined ? send(res, 404, { code: 'NOT_FOUND' }) : send(res, 201, row);
  }
  send(res, 404, { code: 'NOT_FOUND' });
}

const server = createServer((req, res) => {
  route(req, res).catch(() => send(res, 500, { code: 'INTERNAL' }));
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address() as { port: number };
  console.log(JSON.stringify({ msg: 'started', port: address.port }));
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void queries.pool.end();
});

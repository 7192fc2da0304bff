import type { IncomingMessage, ServerResponse } from 'node:http';
import pino from 'pino';
import { logRequest, requestLogLevel } from './request-log';

/** A pino logger writing into `lines`, as JSON objects. */
function capturingLogger(level = 'debug'): {
  logger: pino.Logger;
  lines: Array<Record<string, unknown>>;
} {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level, base: undefined },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, lines };
}

function exchange(
  url: string,
  statusCode: number,
  options: { finished?: boolean; routePath?: string } = {},
): { req: IncomingMessage & { id?: unknown }; res: ServerResponse } {
  const req = {
    id: 'req-1',
    method: 'GET',
    url,
    headers: { authorization: 'Bearer secret', cookie: 'sid=secret' },
    route:
      options.routePath === undefined
        ? undefined
        : { path: options.routePath, methods: { get: true } },
  } as unknown as IncomingMessage & { id?: unknown };
  const res = { statusCode, writableFinished: options.finished ?? true } as ServerResponse;
  return { req, res };
}

describe('requestLogLevel', () => {
  it.each([
    ['/health/ready', 503, 'debug'],
    ['/metrics', 200, 'debug'],
    ['/health/live', 500, 'error'],
    ['/api/sessions', 500, 'error'],
    ['/api/sessions', 404, 'warn'],
    ['/api/sessions', 201, 'info'],
  ])('should log %s answered %d at %s', (url, status, level) => {
    expect(requestLogLevel(url, status)).toBe(level);
  });
});

describe('logRequest', () => {
  it('should write one line with id, method, url, route, status and duration, no headers', () => {
    const { logger, lines } = capturingLogger();
    const { req, res } = exchange('/api/sessions/abc', 200, { routePath: '/api/sessions/:id' });

    logRequest(logger, req, res, Date.now() - 5);

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      req: { id: 'req-1', method: 'GET', url: '/api/sessions/abc' },
      route: '/api/sessions/:id',
      res: { statusCode: 200 },
      responseTime: expect.any(Number) as number,
      msg: expect.stringMatching(/^GET \/api\/sessions\/:id 200 \d+ms$/) as string,
    });
    expect(JSON.stringify(lines[0])).not.toContain('secret');
  });

  it('should name an unmatched request by its URL, and mark a response closed before it finished', () => {
    const { logger, lines } = capturingLogger();
    const { req, res } = exchange('/nowhere', 404, { finished: false });

    logRequest(logger, req, res, Date.now());

    expect(lines[0]).toMatchObject({ level: 40, route: 'unmatched', aborted: true });
    expect(lines[0]?.msg).toMatch(/^GET \/nowhere 404 \d+ms$/);
  });

  it('should log a 5xx at error with err, saying it failed', () => {
    const { logger, lines } = capturingLogger();
    const { req, res } = exchange('/api/sessions', 500, { routePath: '/api/sessions' });

    logRequest(logger, req, res, Date.now());

    expect(lines[0]).toMatchObject({
      level: 50,
      err: { message: 'failed with status code 500' },
      msg: 'GET /api/sessions 500 failed',
    });
  });

  it('should write nothing below the logger level (a probe at info)', () => {
    const { logger, lines } = capturingLogger('info');
    const { req, res } = exchange('/health/live', 200);

    logRequest(logger, req, res, Date.now());

    expect(lines).toEqual([]);
  });
});

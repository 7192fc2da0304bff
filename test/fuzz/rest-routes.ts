import fc from 'fast-check';
import {
  contentType,
  dtoBody,
  idSegment,
  invalidUtf8Body,
  junkHeaders,
  junkJson,
  junkQuery,
  rawJsonText,
  validBudget,
  validContent,
  validCurrency,
  validPhase,
  validTitle,
} from './arbitraries';
import type { FuzzRequest, FuzzResponse } from './http-exchange';
import type { WriteLedger } from './write-ledger';

/** Every REST route of the API, as the fuzz names them. */
export type RouteName =
  | 'session.create'
  | 'session.list'
  | 'session.read'
  | 'session.update'
  | 'session.delete'
  | 'session.phase'
  | 'message.create'
  | 'message.list'
  | 'run.list'
  | 'run.cancel'
  | 'session.events'
  | 'health'
  | 'unrouted';

export interface FuzzCase {
  route: RouteName;
  request: FuzzRequest;
  /** The body as a value, when it was sent as JSON.stringify of it (undefined for raw bytes). */
  sent?: unknown;
  /** Why this request must not succeed (a 2xx is a failure), when it must not. */
  mustRefuse?: string;
}

/** The ids a fuzzed path may pick among: the sessions and runs that exist right now. */
export interface KnownIds {
  sessions(): readonly string[];
  runs(): readonly string[];
}

const SESSION_FIELDS = {
  title: validTitle,
  totalBudget: validBudget,
  currency: validCurrency,
};

interface BodySpec {
  /** The body as a value (JSON text of it is sent), or raw bytes. */
  value?: unknown;
  raw?: Buffer;
  contentType?: string;
  mustRefuse?: string;
}

/** A JSON body of the DTO's shape (or not), sometimes raw bytes instead, under some content type. */
function body(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<BodySpec> {
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(dtoBody(fields), contentType)
        .map(([value, type]) => ({ value, contentType: type })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(rawJsonText, contentType)
        .map(([raw, type]) => ({ raw, contentType: type })),
    },
    {
      weight: 1,
      arbitrary: invalidUtf8Body.map((bytes): BodySpec => ({
        raw: bytes,
        contentType: 'application/json',
        mustRefuse: 'a body that is not UTF-8',
      })),
    },
  );
}

/** Now and then a body where none is expected. */
const strayBody: fc.Arbitrary<BodySpec | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(junkJson(), contentType)
      .map(([value, type]) => ({ value, contentType: type })),
  },
);

function fuzzCase(
  route: RouteName,
  method: string,
  path: string,
  headers: Record<string, string>,
  spec: BodySpec | undefined,
): FuzzCase {
  const bytes =
    spec?.raw ??
    (spec === undefined || spec.value === undefined
      ? undefined
      : Buffer.from(JSON.stringify(spec.value) ?? 'null', 'utf8'));
  return {
    route,
    request: {
      method,
      path,
      headers: {
        ...headers,
        ...(spec?.contentType === undefined || bytes === undefined
          ? {}
          : { 'Content-Type': spec.contentType }),
      },
      ...(bytes === undefined ? {} : { body: bytes }),
    },
    ...(spec?.raw === undefined && spec?.value !== undefined ? { sent: spec.value } : {}),
    ...(spec?.mustRefuse === undefined ? {} : { mustRefuse: spec.mustRefuse }),
  };
}

/** Junk headers over the caller's own (caller headers are added by the runner). */
const headers = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Record<string, string>>({}) },
  { weight: 3, arbitrary: junkHeaders },
);

/** Any request to any session, message, run or live route, with junk anywhere in it. */
export function apiRequest(ids: KnownIds): fc.Arbitrary<FuzzCase> {
  const id = idSegment(ids.sessions);
  const runId = idSegment(ids.runs);
  const session = (rest = ''): fc.Arbitrary<string> =>
    id.map((segment) => `/api/sessions/${segment}${rest}`);
  return fc.oneof(
    fc
      .tuple(junkQuery([]), headers, body(SESSION_FIELDS))
      .map(([query, h, b]) => fuzzCase('session.create', 'POST', `/api/sessions${query}`, h, b)),
    fc
      .tuple(junkQuery(['limit', 'cursor', 'phase']), headers, strayBody)
      .map(([query, h, b]) => fuzzCase('session.list', 'GET', `/api/sessions${query}`, h, b)),
    fc
      .tuple(session(), junkQuery([]), headers, strayBody)
      .map(([path, query, h, b]) => fuzzCase('session.read', 'GET', `${path}${query}`, h, b)),
    fc
      .tuple(session(), headers, body(SESSION_FIELDS))
      .map(([path, h, b]) => fuzzCase('session.update', 'PATCH', path, h, b)),
    fc
      .tuple(session(), headers, strayBody)
      .map(([path, h, b]) => fuzzCase('session.delete', 'DELETE', path, h, b)),
    fc
      .tuple(session('/phase'), headers, body({ phase: validPhase }))
      .map(([path, h, b]) => fuzzCase('session.phase', 'POST', path, h, b)),
    fc
      .tuple(
        session('/messages'),
        headers,
        body({ content: validContent, role: fc.constant('user') }),
      )
      .map(([path, h, b]) => fuzzCase('message.create', 'POST', path, h, b)),
    fc
      .tuple(session('/messages'), junkQuery(['after', 'limit']), headers, strayBody)
      .map(([path, query, h, b]) => fuzzCase('message.list', 'GET', `${path}${query}`, h, b)),
    fc
      .tuple(session('/runs'), headers)
      .map(([path, h]) => fuzzCase('run.list', 'GET', path, h, undefined)),
    fc
      .tuple(id, runId, headers, strayBody)
      .map(([sessionId, run, h, b]) =>
        fuzzCase('run.cancel', 'POST', `/api/sessions/${sessionId}/runs/${run}/cancel`, h, b),
      ),
    fc
      .tuple(session('/events'), junkQuery(['after']), headers)
      .map(([path, query, h]) =>
        fuzzCase(
          'session.events',
          'GET',
          `${path}${query}`,
          { Accept: 'text/event-stream', ...h },
          undefined,
        ),
      ),
  );
}

/** The probes, /metrics, unknown paths and methods no route has. */
export function otherRequest(ids: KnownIds): fc.Arbitrary<FuzzCase> {
  const probe = fc.constantFrom(
    '/health',
    '/health/live',
    '/health/ready',
    '/health/status',
    '/metrics',
  );
  const method = fc.constantFrom(
    'GET',
    'POST',
    'PUT',
    'PATCH',
    'DELETE',
    'OPTIONS',
    'TRACE',
    'PROPFIND',
  );
  return fc.oneof(
    fc
      .tuple(probe, junkQuery(['verbose']), headers)
      .map(([path, query, h]) => fuzzCase('health', 'GET', `${path}${query}`, h, undefined)),
    fc
      .tuple(
        method,
        fc.oneof(
          probe,
          idSegment(ids.sessions).map((segment) => `/api/sessions/${segment}`),
          fc.constantFrom(
            '/api',
            '/api/',
            '/',
            '/api/sessions/',
            '//api//sessions',
            '/api/sessions/%2F',
            '/api-docs',
            '/api-docs.json',
          ),
          fc
            .array(idSegment(ids.sessions), { minLength: 1, maxLength: 5 })
            .map((parts) => `/api/${parts.join('/')}`),
        ),
        headers,
        strayBody,
      )
      .map(([m, path, h, b]) => fuzzCase('unrouted', m, path, h, b)),
  );
}

/** The routes that write. */
type WriteName = Extract<
  RouteName,
  'session.create' | 'session.update' | 'session.delete' | 'session.phase' | 'message.create'
>;

/**
 * The write a request makes if it succeeds, from its method and path as express routes them
 * (case-insensitive, a trailing slash ignored): a junk method on a junk-looking path can still be
 * a real write.
 */
function writeOf(request: FuzzRequest): { write: WriteName; sessionId?: string } | undefined {
  const path = (request.path.split('?')[0] ?? '').toLowerCase().replace(/\/$/, '');
  if (path === '/api/sessions') {
    return request.method === 'POST' ? { write: 'session.create' } : undefined;
  }
  const match = /^\/api\/sessions\/([^/]+)(\/phase|\/messages)?$/.exec(path);
  const sessionId = match?.[1];
  if (sessionId === undefined) {
    return undefined;
  }
  const writes: Record<string, WriteName> = {
    'PATCH ': 'session.update',
    'DELETE ': 'session.delete',
    'POST /phase': 'session.phase',
    'POST /messages': 'message.create',
  };
  const write = writes[`${request.method} ${match?.[2] ?? ''}`];
  return write === undefined ? undefined : { write, sessionId };
}

/**
 * Notes a 2xx write in the ledger, and checks that what was acknowledged is what was sent (a
 * write must not change the data silently).
 */
export function recordWrite(fuzzed: FuzzCase, response: FuzzResponse, ledger: WriteLedger): void {
  if (fuzzed.mustRefuse !== undefined && response.status >= 200 && response.status < 300) {
    throw new Error(
      `${fuzzed.route} accepted ${fuzzed.mustRefuse} with ${response.status}: ${response.text.slice(0, 300)}`,
    );
  }
  const written = writeOf(fuzzed.request);
  if (response.status < 200 || response.status >= 300 || written === undefined) {
    return;
  }
  const sessionId = String(written.sessionId);
  const answer = response.json as Record<string, unknown> | undefined;
  const trimmed = (sent: unknown): unknown => (typeof sent === 'string' ? sent.trim() : sent);
  switch (written.write) {
    case 'session.create':
      ledger.sessionCreated(String(answer?.id));
      expectEcho(fuzzed, answer, 'title', trimmed);
      return;
    case 'session.update':
      ledger.sessionChanged(sessionId);
      expectEcho(fuzzed, answer, 'title', trimmed);
      return;
    case 'session.phase':
      ledger.sessionChanged(sessionId);
      return;
    case 'session.delete':
      ledger.sessionDeleted(sessionId);
      return;
    case 'message.create':
      ledger.messageCreated({
        id: String(answer?.id),
        sessionId: String(answer?.sessionId),
        seq: Number(answer?.seq),
        content: String(answer?.content),
      });
      expectEcho(fuzzed, answer, 'content', (sent) => sent);
      return;
  }
}

function expectEcho(
  fuzzed: FuzzCase,
  answer: Record<string, unknown> | undefined,
  field: string,
  normalise: (sent: unknown) => unknown,
): void {
  const sent = fuzzed.sent as Record<string, unknown> | undefined;
  if (sent === undefined || typeof sent !== 'object' || !(field in sent)) {
    return;
  }
  const expected = normalise(sent[field]);
  if (answer?.[field] !== expected) {
    throw new Error(
      `${fuzzed.route} acknowledged ${field} ${JSON.stringify(answer?.[field])} for ${JSON.stringify(expected)} sent`,
    );
  }
}

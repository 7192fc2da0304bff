import type { OpenAPIObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import jestOpenAPI from 'jest-openapi';
import { DOCS_PATH } from '../../../src/app.setup';
import { GLOBAL_ERROR_RESPONSES } from '../../../src/common/openapi/global-error-responses';
import type { HttpExchange } from './http-exchanges';

/** Swagger UI's static files, served from the root beside the document's page. */
const SWAGGER_UI_ASSET = /^\/(swagger-ui[\w.-]*\.(js|css)|favicon-\d+x\d+\.png)$/;
/** The shape jest-openapi reads from a supertest response. */
interface SuperAgentLike {
  status: number;
  body: unknown;
  text: string;
  req: { method: string; path: string };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * The document as the checks read it: every object schema that lists its properties is closed,
 * so a response carrying a field the document does not name fails (the published document leaves
 * them open, so that adding a field is not a breaking change for clients).
 */
function closedSchemas(document: OpenAPIObject): OpenAPIObject {
  // As served: the JSON drops the keys @nestjs/swagger leaves undefined (x-enumNames).
  const copy = JSON.parse(JSON.stringify(document)) as OpenAPIObject;
  for (const schema of Object.values(copy.components?.schemas ?? {})) {
    const object = schema as SchemaObject;
    if (object.properties !== undefined && object.additionalProperties === undefined) {
      object.additionalProperties = false;
    }
  }
  return copy;
}

/**
 * The path as Express routes it: the request target up to `?`, never normalised. A WHATWG URL
 * would resolve `%2e%2e` as `..` and name another route than the one Express picked (Express
 * matches the raw segments, then decodes the parameters).
 */
const rawPathname = (url: string): string => url.split('?')[0] ?? url;

/**
 * The document's path with each parameter given a plain value: what jest-openapi is handed to
 * find the operation, so that it looks up the route matched here (it decodes the path it is given,
 * and throws "URI malformed" on a segment such as `%C3%28`).
 */
const samplePath = (documentPath: string): string => documentPath.replace(/\{[^}]+\}/g, '_');

/**
 * A segment Express cannot decode (`%C3%28`, `%E0%A4%A`): its router decodes the parameters of
 * every route it tries, the middleware's catch-all `*path` included, so such a path is a 400 for
 * every method, before any handler.
 */
const hasUndecodableSegment = (pathname: string): boolean =>
  pathname.split('/').some((segment) => {
    try {
      decodeURIComponent(segment);
      return false;
    } catch {
      return true;
    }
  });

const mediaType = (headers: HttpExchange['headers']): string | undefined => {
  const value = headers['content-type'];
  return typeof value === 'string' ? value.split(';')[0]?.trim().toLowerCase() : undefined;
};

/** jest-openapi registers one document at a time, on the global expect. */
let registered: OpenAPIObject | undefined;

/**
 * Checks exchanges against an app's OpenAPI document with jest-openapi (status and body), plus
 * what jest-openapi does not look at: the Content-Type of each answer. Routes the document does
 * not list are handled on purpose, see `problems`.
 */
export class ResponseContract {
  private readonly document: OpenAPIObject;
  private readonly routes: Array<{ pattern: RegExp; path: string }>;
  /** The statuses a path no route matches may answer besides the 404, by method. */
  private readonly beforeRouting = GLOBAL_ERROR_RESPONSES.filter((rule) => rule.beforeRouting);

  /** `testOnlyPaths`: path prefixes of controllers a suite adds to provoke errors. */
  constructor(
    document: OpenAPIObject,
    private readonly testOnlyPaths: readonly string[] = [],
  ) {
    this.document = closedSchemas(document);
    this.routes = Object.keys(document.paths).map((path) => ({
      path,
      // As Express 5 matches by default: any non-empty segment for a parameter, case-insensitive,
      // an optional trailing slash.
      pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}/?$`, 'i'),
    }));
  }

  /** What is wrong with `exchange`; empty when it agrees with the document. */
  problems(exchange: HttpExchange): string[] {
    const pathname = rawPathname(exchange.url);
    if (
      exchange.preflight ||
      pathname.startsWith('/socket.io/') ||
      pathname.startsWith(`/${DOCS_PATH}`) ||
      SWAGGER_UI_ASSET.test(pathname)
    ) {
      // Outside the REST contract: CORS preflights (the cors middleware's own 204), the socket.io
      // transport, and the document with its Swagger UI and the UI's static files, which
      // @nestjs/swagger serves from the root (sessions-openapi.e2e-spec.ts validates the document
      // itself).
      return [];
    }
    if (
      this.testOnlyPaths.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`))
    ) {
      // A suite's own probe route: whatever it answers on success, its errors are the envelope.
      return exchange.status >= 400 ? this.envelopeProblems(exchange) : [];
    }
    const route = this.routes.find(({ pattern }) => pattern.test(pathname));
    const method = this.method(exchange);
    const operation =
      route && method !== undefined ? this.document.paths[route.path]?.[method] : undefined;
    if (operation === undefined) {
      // No such route (or no such method on it): Nest's 404, or what was refused before routing
      // (by the body parser, or a path that does not decode); either way the envelope.
      return this.answeredUnrouted(exchange, pathname)
        ? this.envelopeProblems(exchange)
        : [`${this.label(exchange)}: a route the document does not list answered, not with a 404`];
    }
    const documented = operation.responses[String(exchange.status)] as ResponseObject | undefined;
    if (documented === undefined) {
      return this.satisfiesSpec(exchange, route?.path);
    }
    // A body of another type than documented cannot be read against the documented schema.
    const contentType = this.contentTypeProblems(exchange, documented);
    if (contentType.length > 0) {
      return contentType;
    }
    // An event stream's body is not a document, and a body cut short cannot be parsed: their
    // status and Content-Type agree, which is all there is to check.
    const streamed = mediaType(exchange.headers) === 'text/event-stream';
    return streamed || !exchange.bodyComplete ? [] : this.satisfiesSpec(exchange, route?.path);
  }

  private answeredUnrouted(exchange: HttpExchange, pathname: string): boolean {
    if (exchange.status === 404 || (exchange.status === 400 && hasUndecodableSegment(pathname))) {
      return true;
    }
    const site = { path: pathname, method: exchange.method, operation: { responses: {} } };
    return this.beforeRouting.some(
      (rule) => rule.status === exchange.status && rule.appliesTo({ ...site, inApi: false }),
    );
  }

  private method(exchange: HttpExchange): (typeof METHODS)[number] | undefined {
    const method = exchange.method.toLowerCase();
    return METHODS.find((known) => known === method);
  }

  private label(exchange: HttpExchange): string {
    return `${exchange.method} ${exchange.url} → ${exchange.status}`;
  }

  private contentTypeProblems(exchange: HttpExchange, documented: ResponseObject): string[] {
    const allowed = Object.keys(documented.content ?? {});
    const actual = mediaType(exchange.headers);
    if (allowed.length === 0) {
      return exchange.body === '' && actual === undefined
        ? []
        : [`${this.label(exchange)}: documented without a body, answered ${actual ?? 'a body'}`];
    }
    return actual !== undefined && allowed.includes(actual)
      ? []
      : [
          `${this.label(exchange)}: Content-Type ${actual ?? '(none)'}, documented ${allowed.join(', ')}`,
        ];
  }

  /** jest-openapi's verdict on status and body, for the route matched here. */
  private satisfiesSpec(exchange: HttpExchange, documentPath: string | undefined): string[] {
    const response = this.asSuperAgent(exchange);
    if (documentPath !== undefined) {
      response.req.path = samplePath(documentPath);
    }
    return this.expectation(exchange, () => expect(response).toSatisfyApiSpec());
  }

  private envelopeProblems(exchange: HttpExchange): string[] {
    const type = mediaType(exchange.headers);
    if (type !== 'application/json') {
      return [
        `${this.label(exchange)}: an error answered as ${type ?? '(none)'}, not the envelope`,
      ];
    }
    return this.expectation(exchange, () =>
      expect(this.asSuperAgent(exchange).body).toSatisfySchemaInApiSpec('ErrorEnvelope'),
    );
  }

  private expectation(exchange: HttpExchange, check: () => void): string[] {
    if (registered !== this.document) {
      jestOpenAPI(this.document as Parameters<typeof jestOpenAPI>[0]);
      registered = this.document;
    }
    try {
      check();
      return [];
    } catch (error) {
      return [`${this.label(exchange)}:\n${(error as Error).message}`];
    }
  }

  private asSuperAgent(exchange: HttpExchange): SuperAgentLike {
    const json = mediaType(exchange.headers) === 'application/json' && exchange.bodyComplete;
    let body: unknown = {};
    if (json && exchange.body !== '') {
      try {
        body = JSON.parse(exchange.body);
      } catch {
        body = exchange.body;
      }
    }
    return {
      status: exchange.status,
      body,
      text: exchange.body,
      req: { method: exchange.method, path: exchange.url },
    };
  }
}

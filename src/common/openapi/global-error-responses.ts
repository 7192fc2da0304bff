import type { OperationObject } from '@nestjs/swagger';
import { JSON_BODY_LIMIT, takesBody } from '../http/body-parsing';
import type { ErrorResponseText } from './error-response';

/** An operation of the document, as a rule below sees it. */
export interface OperationSite {
  path: string;
  method: string;
  operation: OperationObject;
  /** Under the global /api prefix (health and metrics are not). */
  inApi: boolean;
}

/** An error answer the global stack can give on many routes, whatever their controller says. */
export interface GlobalErrorResponse extends ErrorResponseText {
  status: number;
  appliesTo(site: OperationSite): boolean;
  /**
   * Given by middleware that runs before Express routes the request (the body parser), so a path
   * no route matches can get it too, in place of the 404.
   */
  beforeRouting: boolean;
}

/**
 * Every POST, PUT and PATCH: the body is parsed and type-checked by method, before routing, even
 * on a route that reads none (cancelling a run); a GET or DELETE body is ignored.
 */
const bodyMethod = ({ method }: OperationSite): boolean => takesBody(method);
const usesDatabase = ({ inApi }: OperationSite): boolean => inApi;
const isWrite = ({ method, inApi }: OperationSite): boolean =>
  inApi && ['post', 'put', 'patch', 'delete'].includes(method);

/**
 * The answers that come from the global stack (body parser, content-type middleware, error
 * filter) rather than from a controller, so no controller can forget to document them: one entry
 * per status, with the routes it can happen on. completeApiDocument adds each to those routes.
 */
export const GLOBAL_ERROR_RESPONSES: readonly GlobalErrorResponse[] = [
  {
    status: 400,
    appliesTo: bodyMethod,
    beforeRouting: true,
    description:
      'A body that is not JSON (MALFORMED_JSON), not UTF-8 (INVALID_UTF8), not in its ' +
      'Content-Encoding (MALFORMED_BODY) or nested too deep (JSON_TOO_DEEP)',
    code: 'MALFORMED_JSON',
    error: 'Malformed JSON in request body: Unexpected end of JSON input',
  },
  {
    status: 413,
    appliesTo: bodyMethod,
    beforeRouting: true,
    description: `Body larger than ${JSON_BODY_LIMIT} (PAYLOAD_TOO_LARGE)`,
    code: 'PAYLOAD_TOO_LARGE',
    error: 'Request body is too large',
  },
  {
    status: 415,
    appliesTo: bodyMethod,
    beforeRouting: true,
    description: 'A body that is not application/json (UNSUPPORTED_MEDIA_TYPE)',
    code: 'UNSUPPORTED_MEDIA_TYPE',
    error: 'Content-Type must be application/json (got text/plain)',
  },
  {
    status: 429,
    appliesTo: isWrite,
    beforeRouting: false,
    description:
      "Over the caller's write rate limit (TOO_MANY_REQUESTS): retry after the Retry-After header",
    code: 'TOO_MANY_REQUESTS',
    error: 'Too many requests: retry in 12 s',
  },
  {
    status: 503,
    appliesTo: usesDatabase,
    beforeRouting: false,
    description: 'The database is unreachable or too slow right now (DATABASE_UNAVAILABLE): retry',
    code: 'DATABASE_UNAVAILABLE',
    error: 'Database unavailable',
  },
];

import {
  BadRequestException,
  HttpException,
  type INestApplication,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { json, type NextFunction, type Request, type Response } from 'express';
import { JsonTooDeepException } from '../errors/json-too-deep.exception';
import { requestIdFor } from '../logging/request-id';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';
import { undecodablePath } from './undecodable-path';
import { rejectInvalidUtf8 } from './utf8-body';

export const JSON_BODY_LIMIT = '100kb';

/**
 * The methods whose body means something (RFC 9110 §9.3): only theirs is type-checked and parsed.
 * The content of a GET, HEAD, DELETE or OPTIONS "has no generally defined semantics" there and no
 * route here reads one, so a stray body is ignored, not refused: Node discards it unread (nothing
 * is buffered, so the size cap has nothing to protect) and the answer is the route's own.
 */
export const METHODS_WITH_BODY: readonly string[] = ['POST', 'PUT', 'PATCH'];

export const takesBody = (method: string | undefined): boolean =>
  METHODS_WITH_BODY.includes((method ?? '').toUpperCase());

type RequestWithId = Request & { id?: string };

/**
 * Registered by setupApp in place of Nest's own body parser (the app is created with
 * `bodyParser: false`), so that (1) the request id exists before parsing can fail, and the error
 * envelope can quote it, and (2) malformed JSON gets its own code; Nest's default mapping turns it
 * into an anonymous 400 (nestjs/nest routes-resolver mapExternalException), (3) bytes that are
 * not UTF-8 are refused rather than stored as U+FFFD (rejectInvalidUtf8), (4) a body nested
 * deeper than MAX_JSON_DEPTH is a 400 before validation recurses into it, (5) a body of any type
 * but JSON is a 415 (refuseNonJsonBody), and (6) only the methods that take a body have it checked
 * and parsed (METHODS_WITH_BODY), (7) a path that does not decode is a 400 (undecodablePath). Plain express layers without a path, as few as possible: every
 * layer is walked by every request, probes included.
 */
export function registerBodyParsing(app: INestApplication): void {
  app.use((req: RequestWithId, res: Response, next: NextFunction) => {
    req.id = requestIdFor(req, res);
    next(undecodablePath(req.url));
  });
  const parseJson = json({ limit: JSON_BODY_LIMIT, verify: rejectInvalidUtf8 });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!takesBody(req.method)) {
      next();
      return;
    }
    const refused = refuseNonJsonBody(req);
    if (refused !== undefined) {
      next(refused);
      return;
    }
    parseJson(req, res, (error?: unknown) => {
      // Before any pipe: validation recurses, and a deep enough body would overflow its stack.
      next(
        error ??
          (nestsDeeperThan(req.body, MAX_JSON_DEPTH)
            ? new JsonTooDeepException(MAX_JSON_DEPTH)
            : undefined),
      );
    });
  });
  app.use((error: unknown, _req: Request, _res: Response, next: NextFunction) => {
    if (
      error instanceof SyntaxError &&
      (error as { type?: unknown }).type === 'entity.parse.failed'
    ) {
      next(
        new BadRequestException({
          message: `Malformed JSON in request body: ${error.message}`,
          code: 'MALFORMED_JSON',
        }),
      );
      return;
    }
    next(undecodableBody(error) ?? error);
  });
}

/**
 * The API speaks JSON: a body of any other type is a 415, not a silently empty DTO that turns
 * into a confusing validation error. A request without a body needs no type.
 */
function refuseNonJsonBody(req: Request): UnsupportedMediaTypeException | undefined {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody || req.is('application/json') !== false) {
    return undefined;
  }
  return new UnsupportedMediaTypeException({
    message: `Content-Type must be application/json (got ${req.headers['content-type'] ?? 'none'})`,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  });
}

/**
 * A body the parser could not even decode (a Content-Encoding whose bytes are not that encoding,
 * e.g. `gzip` over plain JSON): body-parser passes zlib's error on as an untyped 4xx, which the
 * error filter cannot tell from a bug. Typed parser errors (too large, bad charset) keep their
 * own mapping in common/errors/infrastructure-errors.ts.
 */
export function undecodableBody(error: unknown): HttpException | undefined {
  const { status, expose, type, message } = (error ?? {}) as {
    status?: unknown;
    expose?: unknown;
    type?: unknown;
    message?: unknown;
  };
  if (typeof status !== 'number' || status < 400 || status >= 500 || expose !== true) {
    return undefined;
  }
  if (type !== undefined) {
    return undefined;
  }
  return new HttpException(
    {
      message: `Request body could not be decoded${typeof message === 'string' ? `: ${message}` : ''}`,
      code: 'MALFORMED_BODY',
    },
    status,
  );
}

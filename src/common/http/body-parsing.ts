import { BadRequestException, HttpException, type INestApplication } from '@nestjs/common';
import { json, type NextFunction, type Request, type Response } from 'express';
import { JsonTooDeepException } from '../errors/json-too-deep.exception';
import { requestIdFor } from '../logging/request-id';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';
import { rejectInvalidUtf8 } from './utf8-body';

export const JSON_BODY_LIMIT = '100kb';

type RequestWithId = Request & { id?: string };

/**
 * Registered by setupApp in place of Nest's own body parser (the app is created with
 * `bodyParser: false`), so that (1) the request id exists before parsing can fail, and the error
 * envelope can quote it, and (2) malformed JSON gets its own code; Nest's default mapping turns it
 * into an anonymous 400 (nestjs/nest routes-resolver mapExternalException), (3) bytes that are
 * not UTF-8 are refused rather than stored as U+FFFD (rejectInvalidUtf8), and (4) a body nested
 * deeper than MAX_JSON_DEPTH is a 400 before validation recurses into it.
 */
export function registerBodyParsing(app: INestApplication): void {
  app.use((req: RequestWithId, res: Response, next: NextFunction) => {
    req.id = requestIdFor(req, res);
    next();
  });
  app.use(json({ limit: JSON_BODY_LIMIT, verify: rejectInvalidUtf8 }));
  // Before any pipe: validation recurses, and a deep enough body would overflow its stack.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(
      nestsDeeperThan(req.body, MAX_JSON_DEPTH)
        ? new JsonTooDeepException(MAX_JSON_DEPTH)
        : undefined,
    );
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

import { BadRequestException, type INestApplication } from '@nestjs/common';
import { json, type NextFunction, type Request, type Response } from 'express';
import { JsonTooDeepException } from '../errors/json-too-deep.exception';
import { requestIdFor } from '../logging/request-id';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';

export const JSON_BODY_LIMIT = '100kb';

type RequestWithId = Request & { id?: string };

/**
 * Registered by setupApp in place of Nest's own body parser (the app is created with
 * `bodyParser: false`), so that (1) the request id exists before parsing can fail, and the error
 * envelope can quote it, and (2) malformed JSON gets its own code; Nest's default mapping turns it
 * into an anonymous 400 (nestjs/nest routes-resolver mapExternalException), and (3) a body nested
 * deeper than MAX_JSON_DEPTH is a 400 before validation recurses into it.
 */
export function registerBodyParsing(app: INestApplication): void {
  app.use((req: RequestWithId, res: Response, next: NextFunction) => {
    req.id = requestIdFor(req, res);
    next();
  });
  app.use(json({ limit: JSON_BODY_LIMIT }));
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
    next(error);
  });
}

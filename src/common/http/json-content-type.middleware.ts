import { Injectable, type NestMiddleware, UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { takesBody } from './body-parsing';

/**
 * The API speaks JSON: a body of any other type is a 415, not a silently empty DTO that turns
 * into a confusing validation error. Only for the methods that take a body: the body of a GET or
 * a DELETE is ignored (METHODS_WITH_BODY), whatever its type.
 */
@Injectable()
export class JsonContentTypeMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const hasBody =
      takesBody(req.method) &&
      (req.headers['transfer-encoding'] !== undefined ||
        Number(req.headers['content-length'] ?? 0) > 0);
    if (hasBody && !req.is('application/json')) {
      throw new UnsupportedMediaTypeException({
        message: `Content-Type must be application/json (got ${req.headers['content-type'] ?? 'none'})`,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
    }
    next();
  }
}

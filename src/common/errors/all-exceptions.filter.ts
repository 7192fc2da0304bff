import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../config/app-config';
import type { ErrorEnvelope } from './error-envelope';
import { describeError, toErrorEnvelope } from './error-envelope.factory';
import { redactUrl } from '../logging/redact-url';
import { isProbePath } from '../logging/logger-options';

/**
 * Writes the error envelope for every non-2xx answer: HttpExceptions keep their status, known
 * infrastructure errors (Postgres, body parser) are mapped on purpose, everything else is a generic
 * 500 whose stack goes to the log, never to the client outside development.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');
  private readonly exposeStack: boolean;

  constructor(config: ConfigService<AppConfig, true>) {
    this.exposeStack = config.getOrThrow('app', { infer: true }).env === 'development';
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      throw exception;
    }
    const request = host.switchToHttp().getRequest<Request & { id?: unknown }>();
    const response = host.switchToHttp().getResponse<Response>();
    const final = describeError(exception);
    const requestId = typeof request.id === 'string' ? request.id : '';

    // A probe's deliberate 503 (not ready) is an answer, not a failure (see isProbePath).
    const deliberateProbeAnswer =
      exception instanceof HttpException && isProbePath(request.originalUrl);
    if (final.status >= 500 && !deliberateProbeAnswer) {
      this.logger.error(
        { err: exception, requestId },
        `${request.method} ${redactUrl(request.originalUrl)} failed`,
      );
    }
    if (response.headersSent) {
      // A streamed response (SSE) failed mid-way: nothing more can be said on it.
      response.destroy();
      return;
    }
    const envelope: ErrorEnvelope & { stack?: string } = {
      ...toErrorEnvelope(final, requestId),
      ...(this.exposeStack && !final.expected && exception instanceof Error && exception.stack
        ? { stack: exception.stack }
        : {}),
    };
    response.status(final.status).json(envelope);
  }
}

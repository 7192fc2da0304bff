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
import { defaultCode, type ErrorBody, type ErrorEnvelope } from './error-envelope';
import { mapInfrastructureError } from './infrastructure-errors';
import { isProbePath } from '../logging/logger-options';

interface Described {
  status: number;
  message: string;
  code: string;
  details?: unknown[];
}

function fromHttpException(exception: HttpException): Described {
  const status = exception.getStatus();
  const body = exception.getResponse();
  if (typeof body === 'string') {
    return { status, message: body, code: defaultCode(status) };
  }
  const { message, code, details } = body as Partial<ErrorBody> & { message?: unknown };
  const text = Array.isArray(message)
    ? message.join('; ')
    : typeof message === 'string'
      ? message
      : exception.message;
  return {
    status,
    message: text,
    code: code ?? defaultCode(status),
    ...(details ? { details } : {}),
  };
}

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
    const described =
      exception instanceof HttpException
        ? fromHttpException(exception)
        : (mapInfrastructureError(exception) ?? null);
    const final: Described = described ?? {
      status: 500,
      message: 'Internal server error',
      code: 'INTERNAL_ERROR',
    };
    const requestId = typeof request.id === 'string' ? request.id : '';

    // A probe's deliberate 503 (not ready) is an answer, not a failure (see isProbePath).
    const deliberateProbeAnswer =
      exception instanceof HttpException && isProbePath(request.originalUrl);
    if (final.status >= 500 && !deliberateProbeAnswer) {
      this.logger.error(
        { err: exception, requestId },
        `${request.method} ${request.originalUrl} failed`,
      );
    }
    if (response.headersSent) {
      // A streamed response (SSE) failed mid-way: nothing more can be said on it.
      response.destroy();
      return;
    }
    const envelope: ErrorEnvelope & { stack?: string } = {
      success: false,
      statusCode: final.status,
      error: final.message,
      code: final.code,
      ...(final.details ? { details: final.details } : {}),
      requestId,
      ...(this.exposeStack && described === null && exception instanceof Error && exception.stack
        ? { stack: exception.stack }
        : {}),
    };
    response.status(final.status).json(envelope);
  }
}

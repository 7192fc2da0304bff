import type { Server } from 'node:http';
import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { BEARER_SCHEME } from './auth';
import type { AppConfig } from './config/app-config';
import { ErrorEnvelope } from './common/errors/error-envelope';
import { registerBodyParsing } from './common/http/body-parsing';
import { answerParserRefusalsInEnvelope } from './common/http/parser-error-envelope';
import { securityHeaders } from './common/http/security-headers';
import { completeApiDocument } from './common/openapi/complete-api-document';
import { HEALTH_TOKEN_SCHEME } from './health/auth/health-token.guard';
import { ShutdownSafeIoAdapter } from './gateway/io-adapter/shutdown-safe-io.adapter';

export const API_PREFIX = 'api';
export const DOCS_PATH = 'api-docs';

/** Options for NestFactory.create and for TestingModule.createNestApplication alike. */
export const NEST_APP_OPTIONS: NestApplicationOptions = { bufferLogs: true, bodyParser: false };

/**
 * What cannot be a provider, shared by the startup (lifecycle/startup/bootstrap.ts) and the e2e
 * tests so both run the same stack: logger, prefix, body parsing, Swagger.
 */
export function setupApp(app: INestApplication): INestApplication {
  const config = app.get<ConfigService<AppConfig, true>>(ConfigService);
  app.useLogger(app.get(Logger));
  app.flushLogs();

  const express = app.getHttpAdapter().getInstance() as { set(key: string, value: unknown): void };
  express.set('x-powered-by', false);
  // ETags are set on purpose (the session's version), not computed from every JSON body.
  express.set('etag', false);
  // Which X-Forwarded-For hops to believe for req.ip (the rate limit's key when anonymous).
  express.set('trust proxy', config.getOrThrow('http', { infer: true }).trustProxy);

  // First, so that every answer carries them, errors of the body parser included.
  app.use(securityHeaders(config.getOrThrow('app', { infer: true }).env));
  registerBodyParsing(app);
  answerParserRefusalsInEnvelope(app.getHttpServer() as Server);
  // socket.io must not close Nest's HTTP server itself (nestjs/nest#13910): see the adapter.
  const corsOrigins = config.getOrThrow('cors', { infer: true }).origins;
  app.useWebSocketAdapter(new ShutdownSafeIoAdapter(app, corsOrigins));
  if (corsOrigins !== undefined) {
    app.enableCors({
      origin: corsOrigins === '*' ? true : corsOrigins,
      allowedHeaders: [
        'Content-Type',
        'Authorization',
        'If-Match',
        'X-Request-Id',
        'Last-Event-ID',
      ],
      exposedHeaders: ['X-Request-Id', 'ETag', 'Location'],
      maxAge: 600,
    });
  }
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'health/*path', 'metrics'] });

  // In-flight requests, sockets and `Connection: close` are tracked on the raw server by
  // LifecycleModule's HttpServerTracking, at bootstrap.

  if (config.getOrThrow('docs', { infer: true }).enabled) {
    SwaggerModule.setup(DOCS_PATH, app, createApiDocument(app), {
      jsonDocumentUrl: `${DOCS_PATH}.json`,
    });
  }
  return app;
}

/**
 * The OpenAPI document of `app` (set up by setupApp): what /api-docs.json serves, and what the e2e
 * suites check every response against (test/support/openapi/). Two bearer schemes: the users'
 * JWT (`bearer`, on every /api route) and the operators' HEALTH_TOKEN (on /health/status, /metrics).
 */
export function createApiDocument(app: INestApplication): OpenAPIObject {
  const config = app.get<ConfigService<AppConfig, true>>(ConfigService);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Renovation Agent API')
      .setDescription(
        'Renovation sessions, their phases and conversations; live updates over socket.io and SSE.',
      )
      .setVersion(config.getOrThrow('app', { infer: true }).version)
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A JWT from the identity provider (AUTH_ENABLED); its `sub` is the owner. ' +
            'SSE also takes it as ?access_token=, socket.io as the handshake auth.token.',
        },
        BEARER_SCHEME,
      )
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', description: 'HEALTH_TOKEN, when it is set' },
        HEALTH_TOKEN_SCHEME,
      )
      .build(),
    { extraModels: [ErrorEnvelope] },
  );
  return completeApiDocument(document, { apiPrefix: API_PREFIX });
}

import helmet from 'helmet';
import type { RequestHandler } from 'express';
import type { NodeEnvironment } from '../../config/app-config';

/**
 * helmet, tuned for a JSON API that also serves Swagger UI (/api-docs):
 * - a CSP that lets Swagger UI run (its scripts are files of this origin; it needs inline styles
 *   and data: images) and forbids everything else: no other origin, no plugins, no framing.
 *   Without `upgrade-insecure-requests`, which would send Swagger UI's own requests to https on a
 *   plain-HTTP development server;
 * - HSTS only in production and staging, which sit behind TLS; elsewhere the server speaks plain
 *   HTTP, where the header means nothing;
 * - the rest as helmet sets it (nosniff, frame and referrer policies, no DNS prefetch). CORS
 *   (CORS_ORIGINS) is unaffected: Cross-Origin-Resource-Policy binds only no-cors loads.
 */
export function securityHeaders(env: NodeEnvironment): RequestHandler {
  const deployed = env === 'production' || env === 'staging';
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: deployed ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
}

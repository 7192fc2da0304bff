import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createTestApp } from './support/test-app';
import { TEST_AUTH } from './support/tokens';

/** The directives of a Content-Security-Policy header, by name. */
function directives(csp: string | undefined): Map<string, string[]> {
  return new Map(
    (csp ?? '')
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0] !== undefined && words[0] !== '')
      .map(([name = '', ...values]) => [name, values]),
  );
}

describe('security headers (e2e)', () => {
  describe('in development and test', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await createTestApp();
    });

    afterAll(async () => {
      await app.close();
    });

    it('should send helmet headers on API answers, errors included, without HSTS', async () => {
      for (const response of [
        await request(app.getHttpServer()).get('/api/sessions').expect(200),
        await request(app.getHttpServer()).get('/api/nowhere').expect(404),
        await request(app.getHttpServer())
          .post('/api/sessions')
          .set('Content-Type', 'application/json')
          .send('{"title": ')
          .expect(400),
      ]) {
        expect(response.headers).toMatchObject({
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'SAMEORIGIN',
          'referrer-policy': 'no-referrer',
          'cross-origin-resource-policy': 'same-origin',
        });
        expect(response.headers).not.toHaveProperty('x-powered-by');
        expect(response.headers).not.toHaveProperty('strict-transport-security');
        const csp = directives(response.headers['content-security-policy']);
        expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
        expect(csp.get('object-src')).toEqual(["'none'"]);
      }
    });

    it('should let Swagger UI load: its scripts are files of this origin, every asset answers', async () => {
      const page = await request(app.getHttpServer()).get('/api-docs').expect(200);
      const csp = directives(page.headers['content-security-policy']);
      expect(csp.get('script-src')).toEqual(["'self'"]);
      expect(csp.get('style-src')).toContain("'unsafe-inline'");
      expect(csp.get('img-src')).toContain('data:');
      // It would move Swagger UI's requests to https on a plain-HTTP server.
      expect(csp.has('upgrade-insecure-requests')).toBe(false);

      const html = page.text;
      // A CSP with script-src 'self' blocks inline scripts: Swagger UI must have none.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
      const assets = [...html.matchAll(/(?:src|href)="\.\/(api-docs\/[^"]+)"/g)].map(
        (match) => `/${match[1]}`,
      );
      expect(assets).toEqual(
        expect.arrayContaining([
          '/api-docs/swagger-ui-bundle.js',
          '/api-docs/swagger-ui-init.js',
          '/api-docs/swagger-ui.css',
        ]),
      );
      for (const asset of assets) {
        await request(app.getHttpServer()).get(asset).expect(200);
      }
      await request(app.getHttpServer()).get('/api-docs.json').expect(200);
    });
  });

  describe('in production', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await createTestApp({
        env: {
          NODE_ENV: 'production',
          HEALTH_TOKEN: 'a-long-enough-health-token',
          ...TEST_AUTH,
          AGENT_PROVIDER: 'offline',
          AGENT_RUNS_ENABLED: 'false',
          LOG_LEVEL: 'silent',
        },
      });
    });

    afterAll(async () => {
      await app.close();
    });

    it('should send HSTS, the service being behind TLS there', async () => {
      const response = await request(app.getHttpServer()).get('/health/live').expect(200);
      expect(response.headers['strict-transport-security']).toBe(
        'max-age=31536000; includeSubDomains',
      );
    });
  });
});

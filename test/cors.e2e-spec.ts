import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { baseUrl, createTestApp } from './support/test-app';

const ALLOWED = 'https://app.example.com';
const OTHER = 'https://evil.example.net';

describe('CORS (e2e)', () => {
  describe('with CORS_ORIGINS set', () => {
    let app: INestApplication;
    let server: App;

    beforeAll(async () => {
      app = await createTestApp({
        env: { CORS_ORIGINS: `${ALLOWED}, https://admin.example.com` },
        listen: true,
      });
      server = app.getHttpServer() as App;
    });

    afterAll(async () => {
      await app.close();
    });

    it('should answer a preflight from an allowed origin, with the headers the API uses', async () => {
      const response = await request(server)
        .options('/api/sessions')
        .set('Origin', ALLOWED)
        .set('Access-Control-Request-Method', 'PATCH')
        .set('Access-Control-Request-Headers', 'content-type,if-match')
        .expect(204);

      expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(response.headers['access-control-allow-headers']).toMatch(/If-Match/);
    });

    it('should expose X-Request-Id, ETag and Location to the allowed origin', async () => {
      const response = await request(server)
        .get('/api/sessions')
        .set('Origin', ALLOWED)
        .expect(200);

      expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(response.headers['access-control-expose-headers']).toBe('X-Request-Id,ETag,Location');
    });

    it('should not allow another origin', async () => {
      const response = await request(server).get('/api/sessions').set('Origin', OTHER).expect(200);

      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('should let an allowed origin open a socket.io connection', async () => {
      const response = await fetch(`${baseUrl(app)}/socket.io/?EIO=4&transport=polling`, {
        headers: { Origin: ALLOWED },
      });

      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    });
  });

  describe('without CORS_ORIGINS', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await createTestApp();
    });

    afterAll(async () => {
      await app.close();
    });

    it('should send no CORS headers (same-origin only)', async () => {
      const response = await request(app.getHttpServer() as App)
        .get('/api/sessions')
        .set('Origin', ALLOWED)
        .expect(200);

      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});

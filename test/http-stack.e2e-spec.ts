import SwaggerParser from '@apidevtools/swagger-parser';
import { Body, Controller, Get, type INestApplication, Module, Post } from '@nestjs/common';
import { IsInt, IsString, Max, MaxLength } from 'class-validator';
import request from 'supertest';
import { createTestApp } from './support/test-app';
import { ENVELOPE } from './support/error-envelope';

class ProbeDto {
  @IsString()
  @MaxLength(5)
  name!: string;

  @IsInt()
  @Max(10)
  count!: number;
}

/** Exists only in this suite: routes that provoke the errors the envelope must cover. */
@Controller('probe')
class ProbeController {
  @Post()
  create(@Body() body: ProbeDto): ProbeDto {
    return body;
  }

  @Get('boom')
  boom(): never {
    throw new Error('secret internal detail');
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('the HTTP stack (e2e)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp({ imports: [ProbeModule] });
  });

  afterAll(async () => {
    await app.close();
  });

  /** POSTs `body` to the probe route as it is, under the given Content-Type. */
  const postRaw = (contentType: string, body: string): request.Test =>
    request(app.getHttpServer()).post('/api/probe').set('Content-Type', contentType).send(body);

  describe('GET /health/live', () => {
    it('should answer 200 with status and timestamp', async () => {
      const response = await request(app.getHttpServer()).get('/health/live').expect(200);
      expect(response.body).toEqual({ status: 'ok', timestamp: expect.any(String) as string });
    });
  });

  describe('error envelope', () => {
    it('should answer an unknown route with 404 in the envelope', async () => {
      const response = await request(app.getHttpServer()).get('/api/nowhere').expect(404);
      expect(response.body).toEqual({ ...ENVELOPE, statusCode: 404, code: 'NOT_FOUND' });
    });

    it('should answer malformed JSON with 400 MALFORMED_JSON', async () => {
      const response = await postRaw('application/json', '{"name": ').expect(400);
      expect(response.body).toEqual({ ...ENVELOPE, statusCode: 400, code: 'MALFORMED_JSON' });
      expect(response.body.requestId).toBe(response.headers['x-request-id']);
    });

    it('should answer a too-large body with 413', async () => {
      const response = await postRaw(
        'application/json',
        JSON.stringify({ name: 'x'.repeat(200_000) }),
      ).expect(413);
      expect(response.body).toEqual({ ...ENVELOPE, statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    });

    it('should answer a non-JSON body with 415', async () => {
      const response = await postRaw('text/plain', 'name=x').expect(415);
      expect(response.body).toEqual({
        ...ENVELOPE,
        statusCode: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
    });

    it('should answer invalid fields with 400 and per-field details', async () => {
      const response = await request(app.getHttpServer())
        .post('/api/probe')
        .send({ name: 'too long', count: 'x', extra: true })
        .expect(400);
      expect(response.body).toEqual({
        ...ENVELOPE,
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        details: expect.any(Array) as unknown[],
      });
      const fields = (response.body.details as Array<{ field: string }>).map(
        (detail) => detail.field,
      );
      expect(fields).toEqual(expect.arrayContaining(['name', 'count', 'extra']));
    });

    it('should answer an unexpected error with a generic 500 and no internals', async () => {
      const response = await request(app.getHttpServer()).get('/api/probe/boom').expect(500);
      expect(response.body).toEqual({
        ...ENVELOPE,
        statusCode: 500,
        code: 'INTERNAL_ERROR',
        error: 'Internal server error',
      });
      expect(JSON.stringify(response.body)).not.toMatch(/secret internal detail|at .*\.ts/);
    });
  });

  describe('X-Request-Id', () => {
    it('should echo a sane client id', async () => {
      const response = await request(app.getHttpServer())
        .get('/api/nowhere')
        .set('X-Request-Id', 'client-42.a_b');
      expect(response.headers['x-request-id']).toBe('client-42.a_b');
      expect(response.body.requestId).toBe('client-42.a_b');
    });

    it('should replace an unsafe id with a generated one', async () => {
      const response = await request(app.getHttpServer())
        .get('/health/live')
        .set('X-Request-Id', 'bad id<>');
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('GET /api-docs.json', () => {
    it('should serve a valid OpenAPI 3 document', async () => {
      const response = await request(app.getHttpServer()).get('/api-docs.json').expect(200);
      const document = (await SwaggerParser.validate(response.body)) as { openapi: string };
      expect(document.openapi).toMatch(/^3\./);
    });

    it('should serve the Swagger UI', async () => {
      const response = await request(app.getHttpServer()).get('/api-docs').redirects(1).expect(200);
      expect(response.text).toContain('swagger-ui');
    });
  });
});

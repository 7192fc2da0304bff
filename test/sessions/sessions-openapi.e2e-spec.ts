import SwaggerParser from '@apidevtools/swagger-parser';
import type { INestApplication } from '@nestjs/common';
import type { OpenAPIV3 } from 'openapi-types';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createSessionsTestApp } from './sessions-test-app';

type Method = 'get' | 'post' | 'patch' | 'delete';

/** Every route, with the error statuses its contract must document. */
const ROUTES: Array<[Method, string, number, number[]]> = [
  ['post', '/api/sessions', 201, [400, 409, 422]],
  ['get', '/api/sessions', 200, [400]],
  ['get', '/api/sessions/{id}', 200, [400, 404]],
  ['patch', '/api/sessions/{id}', 200, [400, 404, 412]],
  ['delete', '/api/sessions/{id}', 204, [400, 404, 412]],
  ['post', '/api/sessions/{id}/phase', 200, [400, 404, 409]],
  ['post', '/api/sessions/{id}/messages', 201, [400, 404, 409, 422]],
  ['get', '/api/sessions/{id}/messages', 200, [400, 404]],
];

describe('sessions OpenAPI contract (e2e)', () => {
  let app: INestApplication;
  let document: OpenAPIV3.Document;

  beforeAll(async () => {
    ({ app } = await createSessionsTestApp());
    const response = await request(app.getHttpServer() as App)
      .get('/api-docs.json')
      .expect(200);
    document = response.body as OpenAPIV3.Document;
  });

  afterAll(async () => {
    await app.close();
  });

  it('should be a valid OpenAPI 3 document', async () => {
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
  });

  it.each(ROUTES)(
    'should document %s %s with its success and each error in the envelope',
    (method, path, success, errors) => {
      const operation = document.paths[path]?.[method];
      expect(operation).toBeDefined();
      const responses = operation!.responses;
      expect(Object.keys(responses)).toEqual(
        expect.arrayContaining([String(success), ...errors.map(String)]),
      );
      for (const status of errors) {
        const content = (responses[String(status)] as OpenAPIV3.ResponseObject).content;
        expect(content?.['application/json']?.schema).toEqual({
          $ref: '#/components/schemas/ErrorEnvelope',
        });
        expect(content?.['application/json']?.example).toMatchObject({ statusCode: status });
      }
    },
  );

  it('should name the enums and give the DTOs examples', () => {
    const schemas = document.components?.schemas ?? {};
    expect(schemas.SessionPhase).toMatchObject({
      enum: ['INTAKE', 'CHECKLIST', 'PLAN', 'RENDER', 'PAYMENT', 'COMPLETE', 'ITERATE'],
    });
    expect(schemas.MessageRole).toMatchObject({ enum: ['user', 'assistant', 'system'] });
    const session = schemas.SessionDto as OpenAPIV3.SchemaObject;
    expect(session.properties?.totalBudget).toMatchObject({ type: 'string', example: '1234.50' });
    const create = schemas.CreateSessionDto as OpenAPIV3.SchemaObject;
    expect(create.required).toEqual(['title']);
    expect(create.properties?.title).toMatchObject({ example: 'Kitchen remodel', maxLength: 200 });
    const patch = document.paths['/api/sessions/{id}']?.patch;
    expect(patch?.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'If-Match', in: 'header' })]),
    );
  });

  it.each([
    ['post', '/api/sessions', 'Idempotency-Key'],
    ['post', '/api/sessions/{id}/messages', 'Idempotency-Key'],
    ['delete', '/api/sessions/{id}', 'If-Match'],
  ] as Array<[Method, string, string]>)(
    'should declare %s %s with the request header %s (and a create with its replay marker)',
    (method, path, header) => {
      const operation = document.paths[path]?.[method];
      expect(operation?.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: header, in: 'header' })]),
      );
      if (header === 'Idempotency-Key') {
        const created = operation?.responses['201'] as OpenAPIV3.ResponseObject;
        expect(Object.keys(created.headers ?? {})).toContain('Idempotent-Replayed');
      }
    },
  );
});

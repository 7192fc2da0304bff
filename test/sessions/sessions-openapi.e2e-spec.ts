import SwaggerParser from '@apidevtools/swagger-parser';
import type { INestApplication } from '@nestjs/common';
import type { OpenAPIV3 } from 'openapi-types';
import request from 'supertest';
import type { App } from 'supertest/types';
import { TRIMMED_TITLE_PATTERN } from '../../src/sessions/dto/title.decorator';
import { createSessionsTestApp } from './sessions-test-app';

type Method = 'get' | 'post' | 'patch' | 'delete';

const METHODS: Method[] = ['get', 'post', 'patch', 'delete'];

/** Every operation of the document with its path and method. */
function operations(
  document: OpenAPIV3.Document,
): Array<{ path: string; method: Method; operation: OpenAPIV3.OperationObject }> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item?.[method];
      return operation ? [{ path, method, operation }] : [];
    }),
  );
}

/** The component schema a $ref names. */
function component(document: OpenAPIV3.Document, ref: string): OpenAPIV3.SchemaObject {
  const schema = document.components?.schemas?.[ref.replace('#/components/schemas/', '')];
  expect(schema).toBeDefined();
  return schema as OpenAPIV3.SchemaObject;
}

const BODY_ROUTES: Array<[Method, string, string]> = [
  ['post', '/api/sessions', 'CreateSessionDto'],
  ['patch', '/api/sessions/{id}', 'UpdateSessionDto'],
  ['post', '/api/sessions/{id}/phase', 'ChangePhaseDto'],
  ['post', '/api/sessions/{id}/messages', 'CreateMessageDto'],
];

const INTEGER_QUERY_PARAMETERS: Array<[string, string]> = [
  ['/api/sessions', 'limit'],
  ['/api/sessions/{id}/messages', 'after'],
  ['/api/sessions/{id}/messages', 'limit'],
  ['/api/sessions/{id}/events', 'after'],
];

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

  it.each(INTEGER_QUERY_PARAMETERS)(
    'should type the query parameter of %s %s as an integer, with its bounds',
    (path, name) => {
      const parameter = document.paths[path]?.get?.parameters?.find(
        (candidate) => 'name' in candidate && candidate.name === name,
      ) as OpenAPIV3.ParameterObject | undefined;
      expect(parameter?.schema).toMatchObject({ type: 'integer', minimum: expect.any(Number) });
    },
  );

  it('should type integral response fields as integers', () => {
    const schemas = document.components?.schemas ?? {};
    const property = (schema: string, name: string) =>
      (schemas[schema] as OpenAPIV3.SchemaObject).properties?.[name];
    expect(property('SessionDto', 'version')).toMatchObject({ type: 'integer' });
    expect(property('MessageDto', 'seq')).toMatchObject({ type: 'integer' });
    expect(property('MessagePageDto', 'nextAfter')).toMatchObject({ type: 'integer' });
    expect(property('ErrorEnvelope', 'statusCode')).toMatchObject({ type: 'integer' });
  });

  it.each(BODY_ROUTES)(
    'should close the body of %s %s to unknown properties and document 413 and 415',
    (method, path, schemaName) => {
      const operation = document.paths[path]?.[method];
      const body = operation?.requestBody as OpenAPIV3.RequestBodyObject;
      const ref = (body.content['application/json']?.schema as OpenAPIV3.ReferenceObject).$ref;
      expect(ref).toBe(`#/components/schemas/${schemaName}`);
      expect(component(document, ref).additionalProperties).toBe(false);
      for (const status of ['413', '415']) {
        const response = operation?.responses[status] as OpenAPIV3.ResponseObject;
        expect(response.content?.['application/json']?.schema).toEqual({
          $ref: '#/components/schemas/ErrorEnvelope',
        });
      }
    },
  );

  it('should document 413 and 415 on every POST, PUT and PATCH, and on no GET or DELETE', () => {
    for (const { method, operation } of operations(document)) {
      const statuses = Object.keys(operation.responses);
      if (['post', 'put', 'patch'].includes(method)) {
        expect(statuses).toEqual(expect.arrayContaining(['400', '413', '415']));
      } else {
        expect(statuses).not.toContain('413');
        expect(statuses).not.toContain('415');
      }
    }
  });

  it('should refuse an empty PATCH in the schema as the server does', () => {
    expect(component(document, 'UpdateSessionDto')).toMatchObject({ minProperties: 1 });
  });

  it('should say that title and currency are trimmed and content is not', () => {
    const create = component(document, 'CreateSessionDto').properties ?? {};
    expect(create.title).toMatchObject({ description: expect.stringMatching(/trimmed/) });
    expect(create.currency).toMatchObject({ description: expect.stringMatching(/trimmed/) });
    expect(component(document, 'CreateMessageDto').properties?.content).toMatchObject({
      pattern: '\\S',
      description: expect.stringMatching(/not trimmed/),
    });
  });

  it('should document every error as the JSON envelope, streams and scrapes included', () => {
    for (const { path, method, operation } of operations(document)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400) {
          expect([
            path,
            method,
            status,
            Object.keys((response as OpenAPIV3.ResponseObject).content ?? {}),
          ]).toEqual([path, method, status, ['application/json']]);
        }
      }
    }
    const events = document.paths['/api/sessions/{id}/events']?.get?.responses['200'];
    expect(Object.keys((events as OpenAPIV3.ResponseObject).content ?? {})).toEqual([
      'text/event-stream',
    ]);
    const metrics = document.paths['/metrics']?.get?.responses['200'];
    expect(Object.keys((metrics as OpenAPIV3.ResponseObject).content ?? {})).toEqual([
      'text/plain',
    ]);
  });

  it('should declare every security scheme an operation names', () => {
    const schemes = document.components?.securitySchemes ?? {};
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const named = operations(document).flatMap(({ operation }) =>
      (operation.security ?? []).flatMap((requirement) => Object.keys(requirement)),
    );
    expect(named).toEqual(expect.arrayContaining(['bearer']));
    for (const name of named) {
      expect(Object.keys(schemes)).toContain(name);
    }
  });

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
    expect(create.properties?.title).toMatchObject({
      example: 'Kitchen remodel',
      pattern: TRIMMED_TITLE_PATTERN,
    });
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

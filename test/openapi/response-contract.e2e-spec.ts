import { Controller, Get, type INestApplication, Module, Res } from '@nestjs/common';
import type { OpenAPIObject, SchemaObject } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Server } from 'node:http';
import request from 'supertest';
import { createApiDocument } from '../../src/app.setup';
import type { HttpExchange } from '../support/openapi/http-exchanges';
import { ResponseContract } from '../support/openapi/response-contract';
import { ResponseWatch, takeResponseProblems } from '../support/openapi/response-watch';
import { createTestApp } from '../support/test-app';

/** A document fragment small enough to read: one route, one schema. */
const FRAGMENT: OpenAPIObject = {
  openapi: '3.0.0',
  info: { title: 'fragment', version: '1' },
  paths: {
    '/api/things/{id}': {
      get: {
        responses: {
          '200': {
            description: 'A thing',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
          '404': {
            description: 'No such thing',
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } },
            },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        properties: { id: { type: 'string' }, count: { type: 'integer' } },
        required: ['id', 'count'],
      },
      ErrorEnvelope: {
        type: 'object',
        properties: {
          success: { type: 'boolean', enum: [false] },
          statusCode: { type: 'integer' },
          error: { type: 'string' },
          code: { type: 'string' },
          requestId: { type: 'string' },
        },
        required: ['success', 'statusCode', 'error', 'code', 'requestId'],
      },
    },
  },
};

const NOT_FOUND = {
  success: false,
  statusCode: 404,
  error: 'Not found',
  code: 'NOT_FOUND',
  requestId: 'r-1',
};

const exchange = (overrides: Partial<HttpExchange>): HttpExchange => ({
  method: 'GET',
  url: '/api/things/7',
  preflight: false,
  status: 200,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ id: '7', count: 3 }),
  bodyComplete: true,
  ...overrides,
});

describe('ResponseContract', () => {
  const contract = new ResponseContract(FRAGMENT, ['/api/probe']);

  it('should accept an answer that agrees with the document', () => {
    expect(contract.problems(exchange({}))).toEqual([]);
  });

  it('should refuse a body that breaks its schema', () => {
    const problems = contract.problems(exchange({ body: JSON.stringify({ id: '7', count: 1.5 }) }));

    expect(problems).toEqual([expect.stringMatching(/count must be integer/)]);
  });

  it('should refuse a field the document does not name', () => {
    const body = JSON.stringify({ id: '7', count: 3, secret: 'x' });

    expect(contract.problems(exchange({ body }))).toEqual([
      expect.stringMatching(/must NOT have additional properties/),
    ]);
  });

  it('should refuse a status the operation does not document', () => {
    const problems = contract.problems(
      exchange({ status: 409, body: JSON.stringify({ ...NOT_FOUND, statusCode: 409 }) }),
    );

    expect(problems).toEqual([expect.stringMatching(/no '?409'? response defined/)]);
  });

  it('should refuse a Content-Type the response does not document', () => {
    const problems = contract.problems(
      exchange({ status: 404, headers: { 'content-type': 'text/event-stream' }, body: '' }),
    );

    expect(problems).toEqual([
      expect.stringMatching(/Content-Type text\/event-stream, documented application\/json/),
    ]);
  });

  it('should want the envelope for a path the document does not list, and a 404', () => {
    const unknown = { url: '/api/nowhere', status: 404, body: JSON.stringify(NOT_FOUND) };

    expect(contract.problems(exchange(unknown))).toEqual([]);
    expect(contract.problems(exchange({ ...unknown, body: '{"message":"nope"}' }))).toEqual([
      expect.stringMatching(/ErrorEnvelope/),
    ]);
    expect(contract.problems(exchange({ ...unknown, status: 200 }))).toEqual([
      expect.stringMatching(/not with a 404/),
    ]);
  });

  it("should check only the errors of a suite's own probe routes", () => {
    const probe = {
      url: '/api/probe/boom',
      body: 'oops',
      headers: { 'content-type': 'text/html' },
    };

    expect(contract.problems(exchange({ ...probe, status: 200 }))).toEqual([]);
    expect(contract.problems(exchange({ ...probe, status: 500 }))).toEqual([
      expect.stringMatching(/an error answered as text\/html/),
    ]);
  });
});

/** Exists only in this suite: an error that is not the envelope, written past the filter. */
@Controller('contract-probe')
class ContractProbeController {
  @Get('raw-error')
  rawError(@Res() res: Response): void {
    res.status(500).type('text/plain').send('not the envelope');
  }
}

@Module({ controllers: [ContractProbeController] })
class ContractProbeModule {}

describe('the response check of the e2e suites (e2e)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp({ imports: [ContractProbeModule] });
  });

  afterAll(async () => {
    await app.close();
  });

  it("should report an app's answer that disagrees with a deliberately wrong document", async () => {
    const document = createApiDocument(app);
    const session = document.components?.schemas?.SessionDto as SchemaObject;
    session.properties = { ...session.properties, version: { type: 'string' } };
    const wrong = new ResponseWatch(new ResponseContract(document), app.getHttpServer() as Server);

    await request(app.getHttpServer()).post('/api/sessions').send({ title: 'Attic' }).expect(201);

    expect(wrong.takeProblems()).toEqual([
      expect.stringMatching(/POST \/api\/sessions → 201:[\s\S]*version must be string/),
    ]);
  });

  it('should hand the after-each check every disagreeing answer of a test app', async () => {
    await request(app.getHttpServer()).get('/api/contract-probe/raw-error').expect(500);
    await request(app.getHttpServer()).get('/health/live').expect(200);

    // Taken here, so that the suite's own after-each check finds nothing left to fail on.
    expect(takeResponseProblems()).toEqual([
      expect.stringMatching(
        /GET \/api\/contract-probe\/raw-error → 500: an error answered as text\/plain/,
      ),
    ]);
  });
});

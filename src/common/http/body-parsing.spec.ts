import { gunzipSync } from 'node:zlib';
import { takesBody, undecodableBody } from './body-parsing';

/** What body-parser hands on: an http-errors error carrying status and expose. */
const parserError = (status: number, cause: Error, type?: string): Error =>
  Object.assign(cause, { status, statusCode: status, expose: status < 500 }, type ? { type } : {});

function zlibError(): Error {
  try {
    gunzipSync(Buffer.from('{}'));
  } catch (error) {
    return error as Error;
  }
  throw new Error('gunzip accepted plain JSON');
}

describe('undecodableBody', () => {
  it("should turn body-parser's untyped 4xx (a zlib error) into a 400 MALFORMED_BODY", () => {
    const mapped = undecodableBody(parserError(400, zlibError()));
    expect(mapped?.getStatus()).toBe(400);
    expect(mapped?.getResponse()).toEqual({
      message: expect.stringMatching(/^Request body could not be decoded: /) as string,
      code: 'MALFORMED_BODY',
    });
  });

  it('should leave typed parser errors, server errors and anything else alone', () => {
    expect(undecodableBody(parserError(413, new Error('big'), 'entity.too.large'))).toBeUndefined();
    expect(undecodableBody(parserError(500, new Error('boom')))).toBeUndefined();
    expect(undecodableBody(new Error('plain'))).toBeUndefined();
    expect(undecodableBody(null)).toBeUndefined();
  });
});

describe('takesBody', () => {
  it.each(['POST', 'PUT', 'PATCH', 'post', 'patch'])('should parse the body of a %s', (method) => {
    expect(takesBody(method)).toBe(true);
  });

  it.each(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'get', undefined])(
    'should ignore the body of a %s',
    (method) => {
      expect(takesBody(method)).toBe(false);
    },
  );
});

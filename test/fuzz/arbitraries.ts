import { randomUUID } from 'node:crypto';
import fc from 'fast-check';

/**
 * The junk the fuzz throws at the API. Each generator mixes plausible values (so that requests
 * get past validation and reach the database) with the inputs that have broken this kind of
 * stack before: NUL, lone surrogates, invalid UTF-8, deep nesting, huge and odd numbers, very long
 * strings, wrong types and unknown fields.
 */

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/**
 * Text that passes every other rule but that Postgres cannot store as sent: a NUL (SQLSTATE 22021)
 * or a lone surrogate (no UTF-8 encoding: the driver would write U+FFFD). Must be a 400 naming the
 * field (src/sessions/dto/storable-text.decorator.ts); the write ledger notes a 2xx for it as a
 * silent change of what was sent.
 */
const storableBreaker = fc
  .tuple(
    fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme-ascii' }),
    fc.oneof(fc.constant('\u0000'), loneSurrogate),
    fc.string({ maxLength: 20, unit: 'grapheme-ascii' }),
  )
  .map(([before, breaker, after]) => `${before}${breaker}${after}`);

/** Characters that each broke, or nearly broke, some layer somewhere. */
const awkwardCharacter = fc.constantFrom(
  '\uFEFF', // BOM
  '\u200B', // zero-width space
  '\u202E', // right-to-left override
  '\u0301', // combining acute accent
  '\uFFFD',
  '\uFFFF',
  '\u2028',
  '\u{1F600}',
  '\u{10FFFF}',
  '\\',
  '"',
  "'",
  '%',
  '\r\n',
  '\t',
  '\u007F',
  '\u0085',
);

/** Strings that look like something: numbers, uuids, SQL, paths, JSON. */
const lookalike = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '   \t\n',
    'null',
    'undefined',
    'true',
    'NaN',
    '-NaN',
    'Infinity',
    '-Infinity',
    '-0',
    '0x10',
    '1e309',
    '-1e-400',
    ' 1 ',
    '1.5',
    '01',
    '1_000',
    '9007199254740993',
    '99999999999999999999999999',
    '__proto__',
    'constructor',
    'toString',
    "' OR 1=1 --",
    '"; DROP TABLE sessions; --',
    '../../etc/passwd',
    '%00',
    '%',
    '{}',
    '[]',
    '*',
    'W/"1"',
    '"1"',
  ),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.uuid().map((id) => `{${id}}`),
  fc.uuid().map((id) => id.replace(/-/g, '')),
  fc.double().map(String),
  fc.bigInt().map(String),
  fc.integer().map(String),
);

const codePoints = (unit: 'binary' | 'grapheme' | 'grapheme-ascii'): fc.Arbitrary<string> =>
  fc.string({ unit, maxLength: 40 });

/** A junk string: safe for JSON, not necessarily for anything behind it. */
export const junkString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: codePoints('grapheme-ascii') },
  { weight: 2, arbitrary: codePoints('binary') },
  { weight: 2, arbitrary: codePoints('grapheme') },
  { weight: 3, arbitrary: lookalike },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.oneof(codePoints('grapheme-ascii'), awkwardCharacter), { maxLength: 8 })
      .map((parts) => parts.join('')),
  },
  { weight: 1, arbitrary: fc.integer({ min: 199, max: 202 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 9_999, max: 10_001 }).map((n) => 'y'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 120_000 }).map((n) => 'z'.repeat(n)) },
  storableBreaker,
);

/**
 * A junk string short enough for a URL: Node's HTTP parser refuses a head over 16 KB before the
 * app sees it (the raw HTTP fuzz covers that case).
 */
const shortJunkString = junkString.filter((text) => text.length <= 200);

/** Numbers JSON can carry, and the ones it turns into something else (NaN → null). */
export const junkNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    0,
    -0,
    -1,
    1.5,
    0.001,
    0.1,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 63,
    Number.MIN_VALUE,
    999_999_999_999.99,
    1_000_000_000_000,
  ),
);

/** Any JSON value, nested a little: objects with junk and plausible keys, arrays, primitives. */
export function junkJson(keys: readonly string[] = []): fc.Arbitrary<unknown> {
  const key = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...keys, '__proto__', 'constructor', 'id', 'seq') },
    { weight: 1, arbitrary: junkString },
  );
  return fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      junkString,
      junkNumber,
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    ),
  })).value;
}

/** Values for one field: mostly valid ones, else anything. */
export function fieldValue(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: junkJson() });
}

/**
 * A body for a DTO: its fields (each valid or junk, each maybe missing), sometimes an unknown
 * field too; or something that is not that object at all (an array, a primitive).
 */
export function dtoBody(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const known = Object.keys(fields);
  const record = fc.record(
    Object.fromEntries(known.map((name) => [name, fieldValue(fields[name] ?? junkJson())])),
    { requiredKeys: [] },
  );
  return fc.oneof(
    { weight: 12, arbitrary: record },
    {
      weight: 2,
      arbitrary: fc
        .tuple(record, junkString, junkJson())
        .map(([body, extra, value]) => ({ ...body, [extra || 'extra']: value })),
    },
    { weight: 1, arbitrary: fc.array(record, { maxLength: 3 }) },
    { weight: 1, arbitrary: junkJson(known) },
  );
}

export const validTitle = fc.oneof(
  fc
    .string({ minLength: 1, maxLength: 200, unit: 'grapheme-ascii' })
    .filter((t) => t.trim() !== ''),
  fc.string({ minLength: 1, maxLength: 50, unit: 'grapheme' }),
  storableBreaker,
);
export const validContent = fc.oneof(
  fc.string({ minLength: 1, maxLength: 300, unit: 'grapheme-ascii' }),
  fc.string({ minLength: 1, maxLength: 100, unit: 'grapheme' }),
  storableBreaker,
);
export const validBudget = fc.oneof(
  fc.constantFrom('0', '1234.50', '999999999999.99', null),
  fc.integer({ min: 0, max: 1_000_000 }),
  fc.integer({ min: 0, max: 99_999_999 }).map((cents) => (cents / 100).toFixed(2)),
);
export const validCurrency = fc.constantFrom('USD', 'eur', ' gbp ', 'JPY', 'XXX', 'ABC', 'usd ');
export const PHASES = ['INTAKE', 'CHECKLIST', 'PLAN', 'RENDER', 'PAYMENT', 'COMPLETE', 'ITERATE'];
export const validPhase = fc.oneof(
  fc.constantFrom('CHECKLIST', 'INTAKE'),
  fc.constantFrom(...PHASES, 'plan', 'DONE'),
);

/**
 * Raw request bodies that JSON.stringify never produces: broken JSON, other encodings, bytes
 * that are not UTF-8, nesting thousands deep.
 */
export const rawJsonText: fc.Arbitrary<Buffer> = fc.oneof(
  fc
    .constantFrom(
      '{',
      '{"title":',
      '{"title":"a"',
      '{"title":"a"}}',
      '{"title":"a",}',
      "{'title':'a'}",
      '{"title":"a" /* comment */}',
      '{"title":"a","title":"b"}',
      '\uFEFF{"title":"a"}',
      '[',
      ']',
      'null',
      'true',
      '"a string"',
      '123',
      '-',
      '1e999999',
      `{"totalBudget":1${'0'.repeat(400)}}`,
      `{"totalBudget":-1e309}`,
      `{"after":${'9'.repeat(40)}}`,
      '{"title":"\\ud800"}',
      '{"content":"\\udfff\\ud800"}',
      '{"title":"\\u0041\\u030A"}',
      '{"content":"\\uZZZZ"}',
      '{"__proto__":{"isAdmin":true},"title":"a"}',
      '{"constructor":{"prototype":{"x":1}},"content":"a"}',
      ' \n\t ',
    )
    .map((text) => Buffer.from(text, 'utf8')),
  fc
    .tuple(fc.integer({ min: 1, max: 200 }), fc.constantFrom('[', '{"a":'))
    .map(([depth, open]) => nested(depth, open)),
  fc
    .tuple(fc.integer({ min: 2_000, max: 40_000 }), fc.constantFrom('[', '{"a":', '{"title":['))
    .map(([depth, open]) => nested(depth, open)),
);

/**
 * A JSON object whose string holds bytes that are not UTF-8 (a stray continuation byte, an
 * overlong form, an encoded surrogate…). Such a body must be refused, never stored with U+FFFD in
 * place of the bytes (src/common/http/utf8-body.ts).
 */
export const invalidUtf8Body: fc.Arbitrary<Buffer> = fc
  .tuple(
    fc.constantFrom('{"title":"', '{"content":"', '{"currency":"'),
    fc.uint8Array({ minLength: 1, maxLength: 12 }),
    fc.constantFrom(
      [0xff],
      [0xc3, 0x28],
      [0x80],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
    ),
  )
  .map(([prefix, filler, invalid]) =>
    Buffer.concat([
      Buffer.from(prefix),
      Buffer.from(filler.map((byte) => 0x61 + (byte % 26))),
      Buffer.from(invalid),
      Buffer.from('"}'),
    ]),
  );

/** `depth` times `open`, a value, then each opening closed again, as raw JSON text. */
function nested(depth: number, open: string): Buffer {
  const close = open === '[' ? ']' : open === '{"title":[' ? ']}' : '}';
  return Buffer.from(`${open.repeat(depth)}1${close.repeat(depth)}`);
}

/** Content types a client may send with a body, the right one among them. */
export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      undefined,
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/json; charset=nonsense',
      'application/merge-patch+json',
      'application/vnd.api+json',
      'text/plain',
      'text/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      '*/*',
      'application/',
      ';;;',
      'application/json, text/plain',
    ),
  },
);

/** Header values Node's client will send: visible ASCII, tab, Latin-1 bytes; no CR, LF or NUL. */
export const headerText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 60, unit: 'grapheme-ascii' }),
  fc.string({
    maxLength: 20,
    unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
  }),
  fc.integer({ min: 1_000, max: 3_000 }).map((n) => 'h'.repeat(n)),
  lookalike.filter((text) => /^[\t\x20-\x7e]*$/.test(text)),
);

const ifMatch = fc.oneof(
  headerText,
  fc.constantFrom('*', '"1"', '"1", "2"', 'W/"1"', '"-1"', '"1.5"', '"99999999999"', ' * ', '"",'),
  fc.array(fc.nat(), { minLength: 1, maxLength: 5 }).map((vs) => vs.map((v) => `"${v}"`).join(',')),
);
const lastEventId = fc.oneof(
  headerText,
  fc.constantFrom('0', '-1', '1.5', '1e3', '9999999999999999', '000000000000001', ' 7 ', 'abc'),
  fc.nat().map(String),
);
const authorization = fc.oneof(
  headerText,
  fc.constantFrom('Bearer', 'Bearer ', 'Bearer a.b.c', 'Basic Zm9vOmJhcg==', 'bearer x y'),
  fc.string({ maxLength: 40, unit: 'grapheme-ascii' }).map((token) => `Bearer ${token}`),
);

/** Up to three of the headers the API reads (and a few it does not), each junk or plausible. */
export const junkHeaders: fc.Arbitrary<Record<string, string>> = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constant('If-Match'), ifMatch),
      fc.tuple(fc.constant('Last-Event-ID'), lastEventId),
      fc.tuple(fc.constant('Authorization'), authorization),
      fc.tuple(fc.constant('Idempotency-Key'), fc.oneof(headerText, fc.uuid())),
      fc.tuple(
        fc.constant('X-Request-Id'),
        fc.oneof(headerText, fc.constantFrom('ok-id', '../x', 'a'.repeat(129))),
      ),
      fc.tuple(
        fc.constant('Accept'),
        fc.constantFrom('*/*', 'text/event-stream', 'application/xml', '', 'application/json'),
      ),
      fc.tuple(fc.constant('Accept-Encoding'), fc.constantFrom('gzip', 'br', 'identity;q=0', 'x')),
      fc.tuple(
        fc.constant('Content-Encoding'),
        fc.constantFrom('gzip', 'deflate', 'br', 'x-junk', 'identity', 'gzip, gzip'),
      ),
      fc.tuple(fc.constant('Origin'), fc.constantFrom('null', 'http://evil.example', 'file://')),
      fc.tuple(fc.constant('X-Forwarded-For'), headerText),
      fc.tuple(fc.constantFrom('X-Junk', 'Cookie', 'Range', 'Expect'), headerText),
    ),
    { maxLength: 3 },
  )
  .map((entries) => Object.fromEntries(entries));

/** A value for one query parameter, as it appears in the URL (already percent-encoded). */
export const queryValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('0', '1', '20', '100', '101', '-1', '1.5', 'NaN', 'Infinity', '1e2', '0x10'),
  fc.constantFrom('', '%', '%zz', '%00', '%E0%A4%A', '%C3%28', '%ED%A0%80', '+', '%20', '[]'),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt().map(String),
  shortJunkString.map(percentEncode),
);

/** Query strings: the route's own parameters, repeated ones, unknown ones, bracket syntax. */
export function junkQuery(names: readonly string[]): fc.Arbitrary<string> {
  const name = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names, 'x') },
    { weight: 1, arbitrary: fc.constantFrom('a[b]', '__proto__', 'limit[]', '', '%00') },
    { weight: 1, arbitrary: shortJunkString.map(percentEncode) },
  );
  return fc
    .array(fc.tuple(name, queryValue), { maxLength: 4 })
    .map((pairs) =>
      pairs.length === 0 ? '' : `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}`,
    );
}

/** A path segment standing for a session or run id: a real one, an unknown one, or junk. */
export function idSegment(known: () => readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.nat().map((index) => {
        const ids = known();
        return ids[index % Math.max(ids.length, 1)] ?? randomUUID();
      }),
    },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: shortJunkString.map(percentEncode) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '%E0%A4%A',
        '%C3%28',
        '%FF',
        '%ED%A0%80',
        '%00',
        '%2F',
        '..',
        '.',
        '%2e%2e',
        '00000000-0000-0000-0000-000000000000',
        'ffffffff-ffff-ffff-ffff-ffffffffffff',
      ),
    },
  );
}

/**
 * Every UTF-8 byte of `text` that is not unreserved, percent-encoded (a lone surrogate is encoded
 * as U+FFFD, as Buffer does; encodeURIComponent would throw on it).
 */
export function percentEncode(text: string): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9\-._~]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

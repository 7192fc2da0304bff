import { canonicalJson, requestFingerprint } from './request-fingerprint';

describe('canonicalJson', () => {
  it('should sort keys at every depth and drop undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('should escape strings as JSON does', () => {
    expect(canonicalJson({ 'k"ey': 'line\nbreak' })).toBe('{"k\\"ey":"line\\nbreak"}');
  });
});

describe('requestFingerprint', () => {
  it('should be a SHA-256 hex digest', () => {
    expect(requestFingerprint('session.create', { title: 'Kitchen' })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should not depend on the order of the fields', () => {
    expect(requestFingerprint('session.create', { title: 'Kitchen', currency: 'EUR' })).toBe(
      requestFingerprint('session.create', { currency: 'EUR', title: 'Kitchen' }),
    );
  });

  it('should tell another body, another operation and another value type apart', () => {
    const base = requestFingerprint('message.create 1', { content: 'hello' });
    expect(requestFingerprint('message.create 1', { content: 'hello!' })).not.toBe(base);
    expect(requestFingerprint('message.create 2', { content: 'hello' })).not.toBe(base);
    expect(requestFingerprint('session.create', { totalBudget: '10' })).not.toBe(
      requestFingerprint('session.create', { totalBudget: 10 }),
    );
  });

  it('should not let a field move between operation and body unnoticed', () => {
    expect(requestFingerprint('a', { b: 'c' })).not.toBe(requestFingerprint('a","body":{"b', {}));
  });
});

import { ownerIdForSubject, uuidV5 } from './owner-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('ownerIdForSubject', () => {
  it('should use a UUID subject as it is, lower-cased', () => {
    expect(ownerIdForSubject('3F0E8B9E-2A51-4C1F-9A57-5B0F3C1D2E4A')).toBe(
      '3f0e8b9e-2a51-4c1f-9a57-5b0f3c1d2e4a',
    );
  });

  it('should map any other subject to a stable version-5 UUID', () => {
    const id = ownerIdForSubject('auth0|65f1c2');
    expect(id).toMatch(UUID);
    expect(id[14]).toBe('5');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
    expect(ownerIdForSubject('auth0|65f1c2')).toBe(id);
    expect(ownerIdForSubject('auth0|65f1c3')).not.toBe(id);
  });

  it('should compute RFC 4122 version-5 UUIDs (the DNS namespace example)', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
    );
  });
});

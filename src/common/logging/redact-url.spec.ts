import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it('should hide the access_token value wherever it is in the query', () => {
    expect(redactUrl('/api/sessions/1/events?access_token=abc.def.ghi')).toBe(
      '/api/sessions/1/events?access_token=[redacted]',
    );
    expect(redactUrl('/e?after=3&access_token=abc&x=1')).toBe(
      '/e?after=3&access_token=[redacted]&x=1',
    );
    expect(redactUrl('/e?ACCESS_TOKEN=abc#frag')).toBe('/e?ACCESS_TOKEN=[redacted]#frag');
  });

  it('should hide every occurrence, and leave other URLs alone', () => {
    expect(redactUrl('/e?access_token=a&access_token=b')).toBe(
      '/e?access_token=[redacted]&access_token=[redacted]',
    );
    expect(redactUrl('/api/sessions?limit=5')).toBe('/api/sessions?limit=5');
    expect(redactUrl('/e?my_access_token=a')).toBe('/e?my_access_token=a');
    expect(redactUrl(undefined)).toBeUndefined();
  });
});

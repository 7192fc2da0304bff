import { formatSseComment, formatSseFrame } from './sse-frame';

describe('formatSseFrame', () => {
  it('should write event, id, retry and JSON data, ended by a blank line', () => {
    expect(
      formatSseFrame({ event: 'message.created', id: '42', retry: 1500, data: { a: 1 } }),
    ).toBe('event: message.created\nid: 42\nretry: 1500\ndata: {"a":1}\n\n');
  });

  it('should keep line breaks in data inside the JSON string', () => {
    const frame = formatSseFrame({ event: 'x', data: { content: 'two\nlines' } });
    expect(frame).toBe('event: x\ndata: {"content":"two\\nlines"}\n\n');
  });

  it('should not let an id inject another field', () => {
    expect(formatSseFrame({ id: '1\nevent: evil' })).toBe('id: 1event: evil\n\n');
  });
});

describe('formatSseComment', () => {
  it('should write a comment line', () => {
    expect(formatSseComment('heartbeat')).toBe(': heartbeat\n\n');
  });
});

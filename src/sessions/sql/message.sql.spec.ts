import { MessageRole } from '../message-role';
import { matchWrittenMessages, type MessageRow, type MessageWrite } from './message.sql';

const OWNER = '00000000-0000-4000-8000-000000000001';

function write(sessionId: string, content: string): MessageWrite {
  return { ownerId: OWNER, sessionId, role: MessageRole.USER, content };
}

function row(sessionId: string, seq: number, content: string): MessageRow {
  return {
    id: `${sessionId}-${seq}`,
    session_id: sessionId,
    seq: String(seq),
    role: MessageRole.USER,
    content,
    created_at: new Date(0),
  };
}

describe('matchWrittenMessages', () => {
  it('should give each write its own row, by session and content, whatever order RETURNING used', () => {
    const writes = [write('s1', 'a'), write('s2', 'a'), write('s1', 'b')];
    const rows = [row('s1', 11, 'b'), row('s2', 12, 'a'), row('s1', 10, 'a')];

    expect(matchWrittenMessages(writes, rows).map((matched) => matched?.id)).toEqual([
      's1-10',
      's2-12',
      's1-11',
    ]);
  });

  it('should give identical writes of one session distinct rows in seq order', () => {
    const writes = [write('s1', 'same'), write('s1', 'same')];
    const rows = [row('s1', 8, 'same'), row('s1', 7, 'same')];

    expect(matchWrittenMessages(writes, rows).map((matched) => matched?.seq)).toEqual(['7', '8']);
  });

  it('should leave undefined a write that got no row (no such session for its owner)', () => {
    const writes = [write('s1', 'a'), write('gone', 'a')];

    expect(matchWrittenMessages(writes, [row('s1', 1, 'a')]).map((m) => m?.id)).toEqual([
      's1-1',
      undefined,
    ]);
  });
});

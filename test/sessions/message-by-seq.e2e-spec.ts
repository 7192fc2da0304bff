import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  MessageRole,
  MessagesService,
  SessionNotFoundException,
  SessionsService,
} from '../../src/sessions';
import { planOf } from '../support/query-plan';
import { recordStatements } from '../support/recorded-statements';
import { useSessionsTestApp } from './sessions-test-app';

/**
 * MessagesService.findBySeq, the read behind every live `message.created`: owner-checked like the
 * other reads, one statement, served by an index.
 */
describe('MessagesService.findBySeq (e2e)', () => {
  const suite = useSessionsTestApp();
  let messages: MessagesService;
  let sessionId: string;

  beforeAll(async () => {
    messages = suite.app.get(MessagesService);
    const created = await suite.app
      .get(SessionsService)
      .create({ ownerId: suite.ownerId }, { title: 'by seq' });
    sessionId = created.value.id;
  });

  it('should find the message with that seq, and null for a seq the session does not have', async () => {
    const principal = { ownerId: suite.ownerId };
    const first = await messages.create(principal, sessionId, { content: 'first' });
    const second = await messages.create(principal, sessionId, {
      content: 'second',
      role: MessageRole.ASSISTANT,
    });
    expect(await messages.findBySeq(principal, sessionId, second.seq)).toEqual(second);
    expect(await messages.findBySeq(principal, sessionId, first.seq)).toEqual(first);
    expect(await messages.findBySeq(principal, sessionId, second.seq + 1000)).toBeNull();
  });

  it('should not find a foreign or a missing session', async () => {
    const message = await messages.create({ ownerId: suite.ownerId }, sessionId, {
      content: 'private',
    });
    await expect(
      messages.findBySeq({ ownerId: randomUUID() }, sessionId, message.seq),
    ).rejects.toBeInstanceOf(SessionNotFoundException);
    await expect(
      messages.findBySeq({ ownerId: suite.ownerId }, randomUUID(), message.seq),
    ).rejects.toBeInstanceOf(SessionNotFoundException);
  });

  it('should read in one statement that an index serves, never a sequential scan', async () => {
    const principal = { ownerId: suite.ownerId };
    const message = await messages.create(principal, sessionId, { content: 'indexed' });
    const { statements } = await recordStatements(() =>
      messages.findBySeq(principal, sessionId, message.seq),
    );
    expect(statements).toHaveLength(1);
    const { sql, parameters } = statements[0]!;
    // A table this small may rightly be scanned: forbid that, and an index must still serve it.
    const nodes = await suite.app.get(DataSource).transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      return planOf(manager, sql, parameters);
    });
    expect(nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    // seq is unique across all sessions: either (session_id, seq) or the seq index will do.
    expect(
      nodes.filter((node) => node['Relation Name'] === 'messages').map((node) => node['Node Type']),
    ).toEqual([expect.stringMatching(/^(Index( Only)? Scan|Bitmap Heap Scan)$/)]);
  });
});

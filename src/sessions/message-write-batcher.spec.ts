import { type GroupCommit, MessageWriteBatcher } from './message-write-batcher';

type Commit = GroupCommit<string, string> & {
  calls: string[][];
  release: () => void;
};

/** A fake pair of statements that records what it was given; `many` waits for `release()`. */
function recordingCommit(options: { maxInFlight?: number; failMany?: Error } = {}): Commit {
  const calls: string[][] = [];
  let gate: Array<() => void> = [];
  const commit: Commit = {
    calls,
    release: () => {
      const open = gate;
      gate = [];
      open.forEach((go) => go());
    },
    one: (write) => {
      calls.push([write]);
      return write === 'missing' ? Promise.resolve(undefined) : Promise.resolve(`row ${write}`);
    },
    many: async (writes) => {
      calls.push([...writes]);
      await new Promise<void>((go) => gate.push(go));
      if (options.failMany !== undefined) {
        throw options.failMany;
      }
      return writes.map((write) => (write === 'missing' ? undefined : `row ${write}`));
    },
    maxBatch: 3,
    maxInFlight: options.maxInFlight ?? 1,
  };
  return commit;
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('MessageWriteBatcher', () => {
  it('should write a lone write with its own statement', async () => {
    const commit = recordingCommit();
    const batcher = new MessageWriteBatcher(commit);

    await expect(batcher.write('a')).resolves.toBe('row a');
    expect(commit.calls).toEqual([['a']]);
  });

  it('should commit writes of the same turn together, each answered with its own row', async () => {
    const commit = recordingCommit();
    const batcher = new MessageWriteBatcher(commit);
    const answers = Promise.all(['a', 'missing', 'c'].map((write) => batcher.write(write)));
    await settle();
    commit.release();

    await expect(answers).resolves.toEqual(['row a', undefined, 'row c']);
    expect(commit.calls).toEqual([['a', 'missing', 'c']]);
  });

  it('should queue writes while the statements in flight run, and send them together after', async () => {
    const commit = recordingCommit({ maxInFlight: 1 });
    const batcher = new MessageWriteBatcher(commit);
    const first = Promise.all(['a', 'b'].map((write) => batcher.write(write)));
    await settle();
    const later = Promise.all(['c', 'd', 'e', 'f'].map((write) => batcher.write(write)));
    await settle();
    expect(commit.calls).toEqual([['a', 'b']]);

    commit.release();
    await first;
    await settle();
    await settle();
    commit.release();
    await settle();
    await settle();
    commit.release();

    await expect(later).resolves.toEqual(['row c', 'row d', 'row e', 'row f']);
    // At most maxBatch (3) per statement.
    expect(commit.calls).toEqual([['a', 'b'], ['c', 'd', 'e'], ['f']]);
  });

  it('should retry each write alone when Postgres refused the statement, so one refusal fails no neighbour', async () => {
    const commit = recordingCommit({
      failMany: Object.assign(new Error('busy'), { code: 'RN409' }),
    });
    const batcher = new MessageWriteBatcher(commit);
    const answers = Promise.all(['a', 'b'].map((write) => batcher.write(write)));
    await settle();
    commit.release();

    await expect(answers).resolves.toEqual(['row a', 'row b']);
    expect(commit.calls).toEqual([['a', 'b'], ['a'], ['b']]);
  });

  it.each([
    ['a lost connection (no SQLSTATE)', new Error('Connection terminated unexpectedly')],
    ['a connection exception (class 08)', Object.assign(new Error('gone'), { code: '08006' })],
    ['the server shutting down (57P01)', Object.assign(new Error('bye'), { code: '57P01' })],
  ])(
    'should fail every write of the statement, retrying none, after %s: it may have committed',
    async (_case, error) => {
      const commit = recordingCommit({ failMany: error });
      const batcher = new MessageWriteBatcher(commit);
      const answers = ['a', 'b'].map((write) => batcher.write(write));
      await settle();
      commit.release();

      for (const answer of answers) {
        await expect(answer).rejects.toBe(error);
      }
      expect(commit.calls).toEqual([['a', 'b']]);
    },
  );
});

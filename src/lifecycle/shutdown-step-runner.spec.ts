import { runShutdownSteps } from './shutdown-step-runner';
import { ShutdownStage, ShutdownSteps } from './shutdown-steps';

describe('runShutdownSteps', () => {
  it('should run steps in stage order, then registration order within a stage', async () => {
    const ran: string[] = [];
    const steps = new ShutdownSteps();
    const step = (name: string, stage: ShutdownStage) =>
      steps.register({ name, stage, run: () => Promise.resolve(void ran.push(name)) });
    step('flush logs', ShutdownStage.FLUSH_LOGS);
    step('close pool', ShutdownStage.CLOSE_DATABASE);
    step('stop LISTEN', ShutdownStage.STOP_LISTEN);
    step('stop embedded', ShutdownStage.CLOSE_DATABASE);
    step('flush writes', ShutdownStage.FLUSH_WRITES);

    const outcomes = await runShutdownSteps(steps.ordered(), 1000);

    expect(ran).toEqual([
      'flush writes',
      'stop LISTEN',
      'close pool',
      'stop embedded',
      'flush logs',
    ]);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
  });

  it('should cut a hanging step at its own timeout and still run the next one', async () => {
    const ran: string[] = [];
    const outcomes = await runShutdownSteps(
      [
        {
          name: 'hangs',
          stage: ShutdownStage.STOP_LISTEN,
          timeoutMs: 50,
          run: () => new Promise(() => undefined),
        },
        {
          name: 'after',
          stage: ShutdownStage.FLUSH_LOGS,
          run: () => Promise.resolve(void ran.push('after')),
        },
      ],
      5000,
    );

    expect(outcomes[0]).toMatchObject({ name: 'hangs', ok: false, error: 'timed out after 50 ms' });
    expect(outcomes[0]?.ms).toBeGreaterThanOrEqual(45);
    expect(outcomes[1]).toMatchObject({ name: 'after', ok: true });
    expect(ran).toEqual(['after']);
  });

  it('should record a step that throws, synchronously or not, and go on', async () => {
    const outcomes = await runShutdownSteps(
      [
        {
          name: 'rejects',
          stage: ShutdownStage.STOP_LISTEN,
          run: () => Promise.reject(new Error('gone')),
        },
        {
          name: 'throws',
          stage: ShutdownStage.CLOSE_DATABASE,
          run: () => {
            throw new Error('sync');
          },
        },
        { name: 'fine', stage: ShutdownStage.FLUSH_LOGS, run: () => Promise.resolve() },
      ],
      1000,
    );

    expect(outcomes.map(({ name, ok, error }) => ({ name, ok, error }))).toEqual([
      { name: 'rejects', ok: false, error: 'gone' },
      { name: 'throws', ok: false, error: 'sync' },
      { name: 'fine', ok: true, error: undefined },
    ]);
  });
});

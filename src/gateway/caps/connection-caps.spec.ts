import { ConnectionCaps } from './connection-caps';
import { LiveCapacityException } from './live-capacity.exception';

describe('ConnectionCaps', () => {
  const caps = (): ConnectionCaps => new ConnectionCaps('SSE', { total: 3, perPrincipal: 2 });

  function refusal(take: () => unknown): LiveCapacityException | undefined {
    try {
      take();
      return undefined;
    } catch (error) {
      return error as LiveCapacityException;
    }
  }

  it('should refuse a principal past its own cap with TOO_MANY_LIVE_CONNECTIONS', () => {
    const counted = caps();
    counted.take('alice');
    counted.take('alice');
    const error = refusal(() => counted.take('alice'));
    expect(error).toBeInstanceOf(LiveCapacityException);
    expect(error?.liveCode).toBe('TOO_MANY_LIVE_CONNECTIONS');
    expect(error?.getStatus()).toBe(503);
    expect(counted.take('bob')).toBeDefined();
  });

  it('should refuse anyone past the total with SERVER_AT_CAPACITY', () => {
    const counted = caps();
    counted.take('alice');
    counted.take('bob');
    counted.take('carol');
    expect(refusal(() => counted.take('dave'))?.liveCode).toBe('SERVER_AT_CAPACITY');
  });

  it('should give a released place back once, however often it is released', () => {
    const counted = caps();
    const first = counted.take('alice');
    counted.take('alice');
    first.release();
    first.release();
    expect(counted.held).toBe(1);
    counted.take('alice');
    expect(refusal(() => counted.take('alice'))?.liveCode).toBe('TOO_MANY_LIVE_CONNECTIONS');
  });
});

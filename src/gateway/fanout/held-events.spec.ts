import { HeldEvents } from './held-events';

describe('HeldEvents', () => {
  it('should hold events until released, then pass them and later ones through in order', () => {
    const held = new HeldEvents<number>();
    const delivered: number[] = [];
    held.push(1);
    held.push(2);
    expect(delivered).toEqual([]);
    held.release((event) => delivered.push(event));
    held.push(3);
    expect(delivered).toEqual([1, 2, 3]);
  });

  it('should deliver an event pushed during the release after the held ones', () => {
    const held = new HeldEvents<number>();
    const delivered: number[] = [];
    held.push(1);
    held.release((event) => {
      delivered.push(event);
      if (event === 1) {
        held.push(2);
      }
    });
    expect(delivered).toEqual([1, 2]);
  });
});

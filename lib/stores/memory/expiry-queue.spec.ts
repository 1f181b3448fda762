import { describe, expect, it } from 'vitest';
import { ExpiryQueue } from './expiry-queue';

describe('ExpiryQueue', () => {
  it('pops keys in time order, whatever the push order', () => {
    const queue = new ExpiryQueue();
    const times = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1000);
    times.forEach((t) => queue.push(t, `k${t}`));
    const popped: number[] = [];
    while (queue.size > 0) {
      popped.push(queue.peekTime());
      queue.pop();
    }
    expect(popped).toEqual([...times].sort((a, b) => a - b));
    expect(queue.peekTime()).toBe(Infinity);
  });

  it('rebuilds from pairs into a valid heap', () => {
    const queue = new ExpiryQueue();
    queue.rebuild([
      [5, 'e'],
      [1, 'a'],
      [3, 'c'],
    ]);
    expect([queue.pop(), queue.pop(), queue.pop(), queue.pop()]).toEqual(['a', 'c', 'e', undefined]);
  });
});

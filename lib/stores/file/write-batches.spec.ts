import { describe, expect, it } from 'vitest';
import { WriteBatches } from './write-batches';

describe('WriteBatches', () => {
  it('handles the items that arrive while the lock is held together, in arrival order', async () => {
    const turns: number[][] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let queue = held;
    const locked = <X>(_: string, body: () => Promise<X>) => {
      const run = queue.then(body);
      queue = run.then(() => undefined);
      return run;
    };
    const batches = new WriteBatches<number, number>(locked, async (_, items) => {
      turns.push(items);
      return items.map((item) => ({ status: 'fulfilled', value: item * 10 }));
    });
    const results = [1, 2, 3].map((i) => batches.add('k', i));
    release();
    expect(await Promise.all(results)).toEqual([10, 20, 30]);
    expect(await batches.add('k', 4)).toBe(40);
    expect(turns).toEqual([[1, 2, 3], [4]]);
  });

  it('rejects every item of a batch that failed, and the next batch still runs', async () => {
    let fail = true;
    const batches = new WriteBatches<number, number>(
      (_, body) => body(),
      async (_, items) => {
        if (fail) throw new Error('disk full');
        return items.map((item) => ({ status: 'fulfilled', value: item }));
      },
    );
    await expect(batches.add('k', 1)).rejects.toThrow('disk full');
    fail = false;
    expect(await batches.add('k', 2)).toBe(2);
  });
});

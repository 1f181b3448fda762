import { describe, expect, it } from 'vitest';
import { WriteVersions } from './write-versions';

describe('WriteVersions', () => {
  it('hands out the latest version of a key once', () => {
    const versions = new WriteVersions();
    versions.remember('a', 1);
    versions.remember('a', 2);
    expect(versions.take('a')).toBe(2);
    expect(versions.take('a')).toBeUndefined();
  });

  it('keeps at most `max` keys, dropping the one written longest ago', () => {
    const versions = new WriteVersions(3);
    for (const key of ['a', 'b', 'c']) versions.remember(key, 1);
    versions.remember('a', 2); // written again: now the newest
    versions.remember('d', 1);
    expect(versions.take('b')).toBeUndefined();
    expect([versions.take('a'), versions.take('c'), versions.take('d')]).toEqual([2, 1, 1]);
  });

  // Versions no response takes fill it up; from then on every write evicts one. The Map this
  // replaced took ~6 µs a write then, 20-30 times its cost while not full.
  it('stays as cheap once full of versions nobody takes', () => {
    const timeWrites = (versions: WriteVersions) => {
      const started = performance.now();
      for (let i = 0; i < 50_000; i++) versions.remember(`key-${i}`, i);
      return performance.now() - started;
    };
    // The fastest of three runs, each way: GC pauses only ever add.
    const fastest = (make: () => WriteVersions) => Math.min(...[1, 2, 3].map(() => timeWrites(make())));
    const notFull = fastest(() => new WriteVersions(100_000));
    const full = fastest(() => {
      const versions = new WriteVersions(10_000);
      for (let i = 0; i < 10_000; i++) versions.remember(`untaken-${i}`, 1);
      return versions;
    });
    expect(full).toBeLessThan(notFull * 3);
  });
});

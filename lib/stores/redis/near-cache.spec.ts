import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { StoredSession } from '../session-store';
import { NearCache, entryBytes } from './near-cache';

const session = (i: number, extra = ''): StoredSession => ({
  data: new Map([
    ['n', String(i)],
    ['name', JSON.stringify(`user-${i}${extra}`)],
  ]),
  meta: {
    createdAt: 1,
    expiresAt: Date.now() + 60_000,
    lastSeenAt: 1,
    userAgent: 'Mozilla/5.0 (X11; Linux)',
  },
});
const key = (i: number) => `k${String(i).padStart(42, '0')}`;

describe('NearCache', () => {
  it('serves nothing until active, and drops everything when deactivated', () => {
    const cache = new NearCache();
    cache.put('a', { session: session(1), version: 1 });
    expect(cache.get('a')).toBeUndefined();
    cache.activate();
    cache.put('a', { session: session(1), version: 1 });
    expect(cache.get('a')?.version).toBe(1);
    cache.deactivate();
    cache.activate();
    expect(cache.get('a')).toBeUndefined();
    expect(cache.stats).toMatchObject({ hits: 1, misses: 2, entries: 0, active: true });
  });

  it('refuses the reply of an operation the key was invalidated during, or that began before a reset', () => {
    const cache = new NearCache();
    cache.activate();
    const overtaken = cache.begin('a');
    const untouched = cache.begin('b');
    cache.invalidate('a');
    expect(cache.end(overtaken)).toBe(false);
    expect(cache.end(untouched)).toBe(true);
    const beforeReset = cache.begin('a');
    cache.reset();
    expect(cache.end(beforeReset)).toBe(false);
    const whileOff = (cache.deactivate(), cache.begin('a'));
    cache.activate();
    expect(cache.end(whileOff)).toBe(false);
  });

  it('serves a copy only when it is at least as new as the client’s last write', () => {
    const cache = new NearCache();
    cache.activate();
    cache.put('a', { session: session(1), version: 7 });
    expect(cache.get('a', 7)).toBeDefined();
    expect(cache.get('a', 8)).toBeUndefined();
  });

  it('counts bytes, not characters', () => {
    const ascii = entryBytes('k', session(1, 'aaaa'));
    const wide = entryBytes('k', session(1, '\u{1F600}')); // 4 bytes in UTF-8, 2 UTF-16 units
    expect(wide - ascii).toBe(0);
    expect(entryBytes('k', session(1, '\u00e9\u00e9')) - entryBytes('k', session(1, 'aa'))).toBe(2);
  });

  it('stays within maxBytes, in its count and in the heap, with a million distinct sessions passing through', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const maxBytes = 16 * 1024 * 1024;
    gc();
    const before = process.memoryUsage().heapUsed;
    const cache = new NearCache({ maxBytes });
    cache.activate();
    for (let i = 0; i < 1_000_000; i++) cache.put(key(i), { session: session(i), version: 1 });
    const { bytes, entries, evictions } = cache.stats;
    expect(bytes).toBeLessThanOrEqual(maxBytes);
    expect(entries).toBeGreaterThan(10_000);
    expect(evictions).toBe(1_000_000 - entries);
    gc();
    const heap = process.memoryUsage().heapUsed - before;
    console.log(
      `near-cache: ${entries} of 1,000,000 sessions kept, ${(bytes / 2 ** 20).toFixed(1)} MiB counted, ` +
        `${(heap / 2 ** 20).toFixed(1)} MiB of heap (maxBytes ${(maxBytes / 2 ** 20).toFixed(0)} MiB)`,
    );
    expect(heap).toBeLessThanOrEqual(maxBytes);
    expect(cache.get(key(999_999))).toBeDefined();
    expect(cache.get(key(0))).toBeUndefined();
  }, 120_000); // about 5 s on an idle machine; much more on a loaded 2-core one
});

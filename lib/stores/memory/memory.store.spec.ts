import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionChanges } from '../session-store';
import { MemoryStore } from './memory.store';

// The conformance suite every store passes runs in test/stores/memory-store.spec.ts.

const changes = (partial: Partial<SessionChanges>): SessionChanges => ({
  clear: false,
  set: new Map(),
  delete: new Set(),
  increment: new Map(),
  ...partial,
});

const expiry = (ms: number) => ({ expiresAt: Date.now() + ms, lastSeenAt: Date.now() });
const meta = (ms: number) => ({ createdAt: Date.now(), expiresAt: Date.now() + ms, lastSeenAt: Date.now() });
const one = changes({ set: new Map([['v', '1']]) });

describe('MemoryStore', () => {
  it('evicts the session closest to expiry past maxSessions', async () => {
    const store = new MemoryStore({ maxSessions: 3 });
    for (const [i, k] of ['a', 'b', 'c'].entries()) {
      await store.apply(k, one, expiry(60_000 + i * 1_000), meta(60_000 + i * 1_000));
    }
    await store.touch('a', expiry(90_000)); // a was active again: it now expires last
    await store.apply('d', one, expiry(70_000), meta(70_000));
    expect(await store.load('b')).toBeNull();
    for (const k of ['a', 'c', 'd']) expect(await store.load(k)).not.toBeNull();
    expect(await store.count()).toBe(3);
    store.onApplicationShutdown();
  });

  it('reclaims expired sessions as new ones are written, without a full scan or the timer', async () => {
    const store = new MemoryStore({ sweepInterval: 3_600_000 });
    for (let i = 0; i < 1000; i++) await store.apply(`old${i}`, one, expiry(50), meta(50));
    await new Promise((r) => setTimeout(r, 80));
    for (let i = 0; i < 300; i++) await store.apply(`new${i}`, one, expiry(60_000), meta(60_000));
    // Each write reclaims up to four expired sessions, so 300 writes reclaim all 1000.
    expect(await store.count()).toBe(300);
    store.onApplicationShutdown();
  });

  it('reports expiries to its listener', async () => {
    const store = new MemoryStore({ sweepInterval: 20 });
    const expired: string[] = [];
    store.onExpired((key) => expired.push(key));
    await store.apply('short', one, expiry(30), meta(30));
    await new Promise((r) => setTimeout(r, 120));
    expect(expired).toEqual(['short']);
    store.onApplicationShutdown();
  });

  it('stays fast at scale: 200,000 sessions, then reads and writes on them', async () => {
    const store = new MemoryStore({ maxSessions: 150_000 });
    const started = performance.now();
    for (let i = 0; i < 200_000; i++) await store.apply(`s${i}`, one, expiry(60_000), meta(60_000));
    for (let i = 199_000; i < 200_000; i++) {
      await store.load(`s${i}`);
      await store.apply(`s${i}`, changes({ increment: new Map([['v', 1]]) }), expiry(60_000));
    }
    // Eviction and access stay O(log n): well under 10 µs a call on any machine this runs on.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(await store.count()).toBe(150_000);
    store.onApplicationShutdown();
  });

  it('gives memory back after mass expiry: the session table is rebuilt small', async () => {
    const store = new MemoryStore({ sweepInterval: 3_600_000 });
    for (let i = 0; i < 5_000; i++) await store.apply(`x${i}`, one, expiry(30), meta(30));
    await new Promise((r) => setTimeout(r, 60));
    await store.count(); // a full sweep
    const internals = store as unknown as { sessions: Map<string, string>; peakSize: number };
    expect(internals.sessions.size).toBe(0);
    expect(internals.peakSize).toBeLessThan(5_000 / 4);
    store.onApplicationShutdown();
  });

  it("keeps no reference to a stopped process: its sweep timer is unref'd", () => {
    const store = new MemoryStore();
    expect((store as unknown as { sweeper: NodeJS.Timeout }).sweeper.hasRef()).toBe(false);
    store.onApplicationShutdown();
  });
});

describe('MemoryStore maxBytes', () => {
  afterEach(() => vi.useRealTimers());

  type Internals = { sessions: Map<string, string>; bytes: number };
  /** The byte count the store should hold: each key and text at two bytes per UTF-16 unit. */
  const recount = (store: MemoryStore) => {
    let total = 0;
    for (const [key, text] of (store as unknown as Internals).sessions)
      total += (key.length + text.length) * 2;
    return total;
  };
  const big = (n: number) => changes({ set: new Map([['blob', JSON.stringify('x'.repeat(n))]]) });

  it('evicts the session closest to expiry once the stored strings pass maxBytes', async () => {
    // Each session holds about 20 KB of characters: two fit in 50 KB, three do not.
    const store = new MemoryStore({ maxBytes: 50_000 });
    await store.apply('a', big(10_000), expiry(60_000), meta(60_000));
    await store.apply('b', big(10_000), expiry(61_000), meta(61_000));
    await store.touch('a', expiry(90_000)); // a was active again: it now expires last
    await store.apply('c', big(10_000), expiry(70_000), meta(70_000));
    expect(await store.load('b')).toBeNull();
    expect(await store.load('a')).not.toBeNull();
    expect(await store.load('c')).not.toBeNull();
    // small sessions still fit beside them: the bound is on bytes, not on count
    for (const k of ['d', 'e', 'f']) await store.apply(k, one, expiry(80_000), meta(80_000));
    expect(await store.count()).toBe(5);
    expect(recount(store)).toBeLessThanOrEqual(50_000);
    store.onApplicationShutdown();
  });

  it('keeps memory bounded when every session is as large as a session may be', async () => {
    const store = new MemoryStore({ maxBytes: 1_000_000 });
    for (let i = 0; i < 200; i++)
      await store.apply(`s${i}`, big(65_536), expiry(60_000 + i), meta(60_000 + i));
    expect(recount(store)).toBeLessThanOrEqual(1_000_000);
    expect(await store.count()).toBe(7); // 7 × 131 KB fit in 1 MB
    expect(await store.load('s199')).not.toBeNull(); // the ones expiring last stay
    store.onApplicationShutdown();
  });

  it('refuses a maxBytes below 1', () => {
    expect(() => new MemoryStore({ maxBytes: 0 })).toThrow(TypeError);
    expect(() => new MemoryStore({ maxBytes: Number.NaN })).toThrow(TypeError);
  });

  it('keeps its byte count exact across apply, touch, destroy, expiry and eviction', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
    const op = fc.oneof(
      fc.record({
        op: fc.constant('apply' as const),
        key,
        value: fc.string({ unit: 'binary', maxLength: 3_000 }),
        ttl: fc.integer({ min: 1, max: 5_000 }),
        user: fc.option(fc.constantFrom('u1', 'u2')),
        clear: fc.boolean(),
      }),
      fc.record({ op: fc.constant('touch' as const), key, ttl: fc.integer({ min: 1, max: 5_000 }) }),
      fc.record({ op: fc.constant('destroy' as const), key }),
      fc.record({ op: fc.constant('load' as const), key }),
      fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 3_000 }) }),
      fc.record({ op: fc.constant('count' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        const store = new MemoryStore({ maxBytes: 12_000, maxSessions: 4, sweepInterval: 3_600_000 });
        try {
          for (const step of ops) {
            const now = Date.now();
            switch (step.op) {
              case 'apply': {
                const set = new Map([[`k${step.value.length % 3}`, JSON.stringify(step.value)]]);
                const create = { createdAt: now, expiresAt: now + step.ttl, lastSeenAt: now };
                if (step.user !== null) Object.assign(create, { userId: step.user });
                await store.apply(
                  step.key,
                  changes({ set, clear: step.clear }),
                  { expiresAt: now + step.ttl, lastSeenAt: now },
                  create,
                );
                break;
              }
              case 'touch':
                await store.touch(step.key, { expiresAt: now + step.ttl, lastSeenAt: now, ttl: step.ttl });
                break;
              case 'destroy':
                await store.destroy(step.key);
                break;
              case 'load':
                await store.load(step.key);
                break;
              case 'wait':
                vi.setSystemTime(now + step.ms);
                break;
              case 'count':
                await store.count();
                break;
            }
            expect((store as unknown as Internals).bytes).toBe(recount(store));
            expect(recount(store)).toBeLessThanOrEqual(12_000);
          }
        } finally {
          store.onApplicationShutdown();
        }
      }),
      { numRuns: 300 },
    );
  });
});

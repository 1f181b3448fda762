import { describe, expect, it } from 'vitest';
import { describeStoreConformance, changes } from '../../../test/stores/store-conformance';
import { MemoryStore } from './memory.store';

describeStoreConformance('MemoryStore', async () => {
  const store = new MemoryStore();
  return { store, close: async () => store.onApplicationShutdown() };
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

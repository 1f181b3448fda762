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
  it('evicts the least recently used session past maxSessions', async () => {
    const store = new MemoryStore({ maxSessions: 3 });
    for (const k of ['a', 'b', 'c']) await store.apply(k, one, expiry(60_000), meta(60_000));
    await store.load('a'); // a is now the most recently used
    await store.apply('d', one, expiry(60_000), meta(60_000));
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
    expect((store as unknown as { sessions: Map<string, unknown> }).sessions.size).toBe(300);
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

  it('keeps no reference to a stopped process: its sweep timer is unref\'d', () => {
    const store = new MemoryStore();
    expect((store as unknown as { sweeper: NodeJS.Timeout }).sweeper.hasRef()).toBe(false);
    store.onApplicationShutdown();
  });
});

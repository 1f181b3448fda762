import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  SessionChanges,
  SessionExpiry,
  SessionMeta,
  SessionStore,
  UserBinding,
} from '../../lib/stores/session-store';
import { isCountingStore, isSharedCacheStore, isUserIndexStore } from '../../lib/stores/session-store';

/** How a store under test is made and, afterwards, disposed of. */
export interface StoreUnderTest {
  store: SessionStore;
  close?: () => Promise<void>;
}

const noChanges = (): SessionChanges => ({
  clear: false,
  set: new Map(),
  delete: new Set(),
  increment: new Map(),
});

export const changes = (partial: Partial<SessionChanges>): SessionChanges => ({
  ...noChanges(),
  ...partial,
});

const sets = (values: Record<string, unknown>): SessionChanges =>
  changes({ set: new Map(Object.entries(values).map(([k, v]) => [k, JSON.stringify(v)])) });

function expiryIn(ms: number): SessionExpiry {
  return { expiresAt: Date.now() + ms, lastSeenAt: Date.now() };
}

function metaFor(ms: number, extra: Partial<SessionMeta> = {}): SessionMeta {
  const now = Date.now();
  return { createdAt: now, expiresAt: now + ms, lastSeenAt: now, ...extra };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function decoded(data: ReadonlyMap<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of data) Object.defineProperty(out, k, { value: JSON.parse(v), enumerable: true });
  return out;
}

/**
 * The behaviour every SessionStore must have. Call inside a test file:
 * `describeStoreConformance('MemoryStore', async () => ({ store: new MemoryStore() }))`.
 */
export function describeStoreConformance(name: string, make: () => Promise<StoreUnderTest>): void {
  describe(`${name} conformance`, () => {
    let subject: StoreUnderTest;
    let store: SessionStore;
    const key = () => `conf-${randomUUID()}`;
    const create = async (values: Record<string, unknown> = {}, ms = 60_000, extra = {}) => {
      const k = key();
      expect(await store.apply(k, sets(values), expiryIn(ms), metaFor(ms, extra))).toBe(true);
      return k;
    };

    beforeAll(async () => {
      subject = await make();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.close?.();
    });

    it('loads nothing for an unknown key', async () => {
      expect(await store.load(key())).toBeNull();
    });

    it('creates a session and loads its data and metadata back', async () => {
      const k = await create({ a: 1, b: 'two', c: { nested: [1, 2] } }, 60_000, {
        userAgent: 'agent/1.0',
        ip: '127.0.0.9',
        ttl: 60_000,
      });
      const loaded = await store.load(k);
      expect(loaded).not.toBeNull();
      expect(decoded(loaded!.data)).toEqual({ a: 1, b: 'two', c: { nested: [1, 2] } });
      expect(loaded!.meta.userAgent).toBe('agent/1.0');
      expect(loaded!.meta.ip).toBe('127.0.0.9');
      expect(loaded!.meta.ttl).toBe(60_000);
      expect(loaded!.meta.expiresAt).toBeGreaterThan(Date.now() + 50_000);
      expect(loaded!.meta.createdAt).toBeLessThanOrEqual(Date.now());
    });

    it('does not bring back an absent session when applying without create', async () => {
      const k = key();
      expect(await store.apply(k, sets({ a: 1 }), expiryIn(60_000))).toBe(false);
      expect(await store.load(k)).toBeNull();
    });

    it('applies set, delete and increment as a delta over the stored data', async () => {
      const k = await create({ keep: 'yes', drop: 1, n: 5 });
      await store.apply(
        k,
        changes({
          set: new Map([['added', '"x"']]),
          delete: new Set(['drop']),
          increment: new Map([
            ['n', 3],
            ['fresh', 2],
            ['half', 0.5],
          ]),
        }),
        expiryIn(60_000),
      );
      expect(decoded((await store.load(k))!.data)).toEqual({
        keep: 'yes',
        added: 'x',
        n: 8,
        fresh: 2,
        half: 0.5,
      });
    });

    it('counts a non-numeric value as 0 when incrementing it', async () => {
      const k = await create({ s: 'text' });
      await store.apply(k, changes({ increment: new Map([['s', 4]]) }), expiryIn(60_000));
      expect(decoded((await store.load(k))!.data).s).toBe(4);
    });

    it('adds increments as JavaScript numbers do: exact integers, the same doubles', async () => {
      const k = await create({ big: 2 ** 53 - 3, f: 0.1, neg: -1 });
      const step = (big: number, f: number) =>
        store.apply(
          k,
          changes({
            increment: new Map([
              ['big', big],
              ['f', f],
              ['neg', -0.5],
            ]),
          }),
          expiryIn(60_000),
        );
      await step(1, 0.2);
      await step(1, 1 / 3);
      const data = decoded((await store.load(k))!.data);
      expect(data.big).toBe(2 ** 53 - 1);
      expect(data.f).toBe(0.1 + 0.2 + 1 / 3);
      expect(data.neg).toBe(-2);
    });

    it('clears the stored keys before the same change set sets new ones', async () => {
      const k = await create({ old1: 1, old2: 2 });
      await store.apply(k, changes({ clear: true, set: new Map([['new', '1']]) }), expiryIn(60_000));
      expect(decoded((await store.load(k))!.data)).toEqual({ new: 1 });
    });

    it('keeps keys that look like object internals or store metadata as plain data', async () => {
      const odd = { constructor: 1, hasOwnProperty: 2, toString: 3, 'a:b': 4, 'ключ ✓': 5, '': 6 };
      const k = await create(odd);
      expect(decoded((await store.load(k))!.data)).toEqual(odd);
    });

    it('round-trips a large value', async () => {
      const big = 'x'.repeat(200_000);
      const k = await create({ big });
      expect(decoded((await store.load(k))!.data).big).toBe(big);
    });

    it('keeps every key of 100 concurrent change sets on one session', async () => {
      const k = await create();
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => store.apply(k, sets({ [`k${i}`]: i }), expiryIn(60_000))),
      );
      const data = decoded((await store.load(k))!.data);
      expect(Object.keys(data)).toHaveLength(100);
      for (let i = 0; i < 100; i++) expect(data[`k${i}`]).toBe(i);
    });

    it('adds up 100 concurrent increments', async () => {
      const k = await create();
      await Promise.all(
        Array.from({ length: 100 }, () =>
          store.apply(k, changes({ increment: new Map([['n', 1]]) }), expiryIn(60_000)),
        ),
      );
      expect(decoded((await store.load(k))!.data).n).toBe(100);
    });

    it('touches: extends the expiry and keeps the data; false when gone', async () => {
      const k = await create({ a: 1 }, 60_000);
      const later = { expiresAt: Date.now() + 120_000, lastSeenAt: Date.now() + 5, ttl: 120_000 };
      expect(await store.touch(k, later)).toBe(true);
      const loaded = await store.load(k);
      expect(decoded(loaded!.data)).toEqual({ a: 1 });
      expect(loaded!.meta.expiresAt).toBe(later.expiresAt);
      expect(loaded!.meta.lastSeenAt).toBe(later.lastSeenAt);
      expect(loaded!.meta.ttl).toBe(120_000);
      expect(await store.touch(key(), later)).toBe(false);
    });

    it('destroys: gone afterwards, true only the first time', async () => {
      const k = await create({ a: 1 });
      expect(await store.destroy(k)).toBe(true);
      expect(await store.load(k)).toBeNull();
      expect(await store.destroy(k)).toBe(false);
      expect(await store.apply(k, sets({ a: 2 }), expiryIn(60_000))).toBe(false);
      expect(await store.load(k)).toBeNull();
    });

    it('expires a session at its expiry and does not revive it by apply or touch', async () => {
      const k = await create({ a: 1 }, 300);
      expect(await store.load(k)).not.toBeNull();
      await sleep(700);
      expect(await store.load(k)).toBeNull();
      expect(await store.apply(k, sets({ a: 2 }), expiryIn(60_000))).toBe(false);
      expect(await store.touch(k, expiryIn(60_000))).toBe(false);
      expect(await store.load(k)).toBeNull();
    });

    it('counts live sessions when it supports count', async (ctx) => {
      if (!isCountingStore(store)) return ctx.skip();
      const before = await store.count();
      const made = [await create(), await create(), await create()];
      expect(await store.count()).toBe(before + 3);
      await store.destroy(made[0]);
      expect(await store.count()).toBe(before + 2);
    });

    it("lists a user's live sessions oldest first when it keeps a user index", async (ctx) => {
      if (!isUserIndexStore(store)) return ctx.skip();
      const userId = `user-${randomUUID()}`;
      const first = await create({}, 60_000, { userId, userAgent: 'first' });
      await sleep(5);
      const second = await create({}, 60_000, { userId, userAgent: 'second' });
      await sleep(5);
      const short = await create({}, 300, { userId, userAgent: 'short-lived' });
      await create({}, 60_000, { userId: `${userId}-other` });
      let listed = await store.listByUser(userId);
      expect(listed.map((e) => e.key)).toEqual([first, second, short]);
      expect(listed.map((e) => e.meta.userAgent)).toEqual(['first', 'second', 'short-lived']);
      await store.destroy(first);
      await sleep(700);
      listed = await store.listByUser(userId);
      expect(listed.map((e) => e.key)).toEqual([second]);
      expect(await store.listByUser(`nobody-${randomUUID()}`)).toEqual([]);
    });

    it('keeps, expires and deletes cached values when it has a cache', async (ctx) => {
      if (!isSharedCacheStore(store)) return ctx.skip();
      const name = `cache-${randomUUID()}`;
      expect(await store.getCached(name)).toBeNull();
      await store.setCached(name, '{"name":"Ada"}', 60_000);
      expect(await store.getCached(name)).toBe('{"name":"Ada"}');
      await store.deleteCached(name);
      expect(await store.getCached(name)).toBeNull();
      await store.setCached(name, 'short', 300);
      await sleep(700);
      expect(await store.getCached(name)).toBeNull();
    });

    describe('user rules, atomic in the store', () => {
      const userOf = () => `user-${randomUUID()}`;
      const bind = async (userId: string, createdAt: number, binding: UserBinding = {}) => {
        const k = key();
        const meta = { ...metaFor(60_000, { userId }), createdAt };
        const created = await store.apply(k, sets({ mine: k }), expiryIn(60_000), meta, binding);
        return { k, created };
      };
      const alive = async (keys: string[]) =>
        (await Promise.all(keys.map(async (k) => ((await store.load(k)) ? k : null)))).filter(Boolean);

      it('destroyByUser destroys every session of the user but the one kept, and names them', async (ctx) => {
        if (!isUserIndexStore(store)) return ctx.skip();
        const userId = userOf();
        const made = [];
        for (let i = 0; i < 4; i++) made.push((await bind(userId, Date.now() + i)).k);
        const other = (await bind(userOf(), Date.now())).k;
        const destroyed = await store.destroyByUser(userId, made[2]);
        expect([...destroyed].sort()).toEqual([made[0], made[1], made[3]].sort());
        expect(await alive([...made, other])).toEqual([made[2], other]);
        expect((await store.listByUser(userId)).map((e) => e.key)).toEqual([made[2]]);
        expect(await store.destroyByUser(userId)).toEqual([made[2]]);
        expect(await store.listByUser(userId)).toEqual([]);
      });

      it('files a regenerated session in place of the old one only while the old one is indexed', async (ctx) => {
        if (!isUserIndexStore(store)) return ctx.skip();
        const userId = userOf();
        const old = (await bind(userId, Date.now())).k;
        const moved = await bind(userId, Date.now(), { replaces: old });
        expect(moved.created).toBe(true);
        expect((await store.listByUser(userId)).map((e) => e.key)).toEqual([moved.k]);
        // A second regeneration of the same old session is refused, and leaves nothing behind.
        const again = await bind(userId, Date.now(), { replaces: old });
        expect(again.created).toBe(false);
        expect(await store.load(again.k)).toBeNull();
        // After "log out everywhere", regenerating a session that was logged out is refused too.
        await store.destroyByUser(userId);
        const late = await bind(userId, Date.now(), { replaces: moved.k });
        expect(late.created).toBe(false);
        expect(await alive([old, moved.k, again.k, late.k].filter((k) => k !== old))).toEqual([]);
      });

      it('keeps the newest sessions of a user past a limit, destroying the older ones', async (ctx) => {
        if (!isUserIndexStore(store)) return ctx.skip();
        const userId = userOf();
        const start = Date.now();
        const older = [];
        for (let i = 0; i < 3; i++) older.push((await bind(userId, start + i)).k);
        const newest = (await bind(userId, start + 10, { limit: 2 })).k;
        expect(await alive([...older, newest])).toEqual([older[2], newest]);
        expect((await store.listByUser(userId)).map((e) => e.key)).toEqual([older[2], newest]);
      });

      it.for([1, 2])('keeps exactly the %i newest of 20 concurrent logins', async (limit, ctx) => {
        if (!isUserIndexStore(store)) return ctx.skip();
        const userId = userOf();
        const start = Date.now();
        const logins = await Promise.all(
          Array.from({ length: 20 }, (_, i) => bind(userId, start + i, { limit })),
        );
        const keys = logins.map((l) => l.k);
        expect(await alive(keys)).toEqual(keys.slice(-limit));
      });

      it('leaves no session of the user when destroyByUser races regenerations of all of them', async (ctx) => {
        if (!isUserIndexStore(store)) return ctx.skip();
        const userId = userOf();
        const sessions = [];
        for (let i = 0; i < 10; i++) sessions.push((await bind(userId, Date.now())).k);
        // As the module regenerates a user's session: file the new key in the old one's place,
        // then destroy the old one.
        const regenerate = async (old: string) => {
          const moved = await bind(userId, Date.now(), { replaces: old });
          if (moved.created) await store.destroy(old);
          return moved;
        };
        const [moved] = await Promise.all([
          Promise.all(sessions.map(regenerate)),
          store.destroyByUser(userId),
        ]);
        // A regeneration filed before the logout was destroyed by it; one after it was refused.
        expect(await alive([...sessions, ...moved.map((m) => m.k)])).toEqual([]);
      });
    });
  });
}

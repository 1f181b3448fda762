import { Logger } from '@nestjs/common';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Test } from '@nestjs/testing';
import { SessionStoreUnavailableError } from '../errors/session-store-unavailable.error';
import { SessionTooLargeError } from '../errors/session-too-large.error';
import type { SessionModuleOptions } from '../options/session-module-options.interface';
import { SessionModule } from '../session.module';
import type { ActiveSession } from './active-session';
import type { MemoryStore } from '../stores/memory/memory.store';
import { SessionStore } from '../stores/session-store';
import { SessionFactory } from './session-factory';

interface Cart {
  visits: number;
  items: string[];
  name?: string;
  profile?: { city: string };
}

/** The module's real session factory and store (a MemoryStore). */
async function sessionsWith(options: SessionModuleOptions = {}) {
  const moduleRef = await Test.createTestingModule({ imports: [SessionModule.forRoot(options)] }).compile();
  return { factory: moduleRef.get(SessionFactory), store: moduleRef.get(SessionStore) };
}

let defaults: Awaited<ReturnType<typeof sessionsWith>>;
beforeAll(async () => {
  defaults = await sessionsWith();
});

const fresh = (factory = defaults.factory) => factory.fresh() as unknown as ActiveSession<Cart>;

describe('Session', () => {
  it('reads its own writes before saving', () => {
    const s = fresh();
    expect(s.get('name')).toBeUndefined();
    expect(s.has('name')).toBe(false);
    s.set('name', 'Ada');
    s.set('items', ['apple']);
    expect(s.get('name')).toBe('Ada');
    expect(s.has('name')).toBe(true);
    expect(s.all()).toEqual({ name: 'Ada', items: ['apple'] });
    s.delete('name');
    expect(s.has('name')).toBe(false);
    s.clear();
    expect(s.all()).toEqual({});
  });

  it('hands out copies: mutating what get() or all() returned changes nothing', () => {
    const s = fresh();
    s.set('profile', { city: 'Paris' });
    s.get('profile')!.city = 'Rome';
    expect(s.get('profile')).toEqual({ city: 'Paris' });
    expect(Object.isFrozen(s.all())).toBe(true);
  });

  it('increments from 0, over set values and over cleared ones', () => {
    const s = fresh();
    expect(s.increment('visits')).toBe(1);
    expect(s.increment('visits', 4)).toBe(5);
    s.set('visits', 10);
    expect(s.increment('visits')).toBe(11);
    s.clear();
    expect(s.increment('visits', 2)).toBe(2);
  });

  it('throws a TypeError at increment of a non-number, or by a non-finite amount', () => {
    const s = fresh();
    s.set('name', 'Ada');
    expect(() => (s as unknown as ActiveSession<{ name: number }>).increment('name')).toThrow(TypeError);
    expect(() => s.increment('visits', Number.NaN)).toThrow(TypeError);
  });

  it.each([
    ['a function', () => 1],
    ['a nested function', { f: () => 1 }],
    ['a BigInt', 10n],
    ['a symbol', Symbol('s')],
    ['NaN', Number.NaN],
    ['Infinity', Infinity],
    ['a Map', new Map()],
    ['a Set', new Set([1])],
    ['undefined', undefined],
    [
      'a cycle',
      (() => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return o;
      })(),
    ],
  ])('throws a TypeError at set for %s, and records nothing', (_label, value) => {
    const s = fresh();
    expect(() => s.set('name', value as never)).toThrow(TypeError);
    expect(() => s.set('name', value as never)).toThrow(/Session value for 'name' is not JSON-serialisable/);
    expect(s.has('name')).toBe(false);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s', (key) => {
    const s = fresh();
    expect(() => s.set(key as never, 1 as never)).toThrow(TypeError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a set past maxSessionBytes, counting what the session already holds', async () => {
    const s = fresh((await sessionsWith({ maxSessionBytes: 130 })).factory);
    s.set('name', 'x'.repeat(40));
    s.set('items', ['y'.repeat(30)]);
    expect(() => s.set('profile', { city: 'z'.repeat(40) })).toThrow(SessionTooLargeError);
    // replacing a value counts the new size, not the sum
    s.set('name', 'x'.repeat(45));
    s.delete('items');
    s.set('profile', { city: 'z'.repeat(30) });
    expect(s.get('profile')).toEqual({ city: 'z'.repeat(30) });
  });

  it('gets 192-bit url-safe ids, never twice the same', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => fresh().id));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('saves as a delta and keeps working after an explicit save()', async () => {
    const s = fresh();
    s.set('name', 'Ada');
    await s.save();
    expect(s.isNew).toBe(false);
    s.increment('visits');
    await s.save();
    expect(s.get('visits')).toBe(1);
    const stored = await defaults.store.load(s.handle);
    expect(Object.fromEntries(stored!.data)).toEqual({ name: '"Ada"', visits: '1' });
  });

  it('saves a change at the end of a request in the same turn on an in-process store, as a delta', async () => {
    const { factory, store } = await sessionsWith();
    const s = factory.fresh() as unknown as ActiveSession<Cart>;
    s.set('name', 'Ada');
    await s.save();
    const load = () => factory.open({ id: s.id, key: s.handle }) as unknown as Promise<ActiveSession<Cart>>;
    const [a, b] = [await load(), await load()];
    expect(a.increment('visits')).toBe(1);
    expect(b.increment('visits', 2)).toBe(2);
    b.set('name', 'Bob');
    // No promise: nothing is left to wait for.
    expect(a.commit()).toBeUndefined();
    expect(b.commit()).toBeUndefined();
    expect(b.commit()).toBeUndefined(); // nothing pending any more
    const stored = await store.load(s.handle);
    expect(Object.fromEntries(stored!.data)).toEqual({ name: '"Bob"', visits: '3' });
    expect(b.expiresAt.getTime()).toBe(stored!.meta.expiresAt);
    // The request goes on from what it saw, and its next change is a delta again.
    expect(b.all()).toEqual({ name: 'Bob', visits: 2 });
    expect(b.increment('visits')).toBe(3);
    b.delete('name');
    expect(b.commit()).toBeUndefined();
    expect(Object.fromEntries((await store.load(s.handle))!.data)).toEqual({ visits: '4' });
  });

  it('fails an end-of-request save at once as a 503 and keeps the change pending; a vanished session stays gone', async () => {
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const { factory, store } = await sessionsWith();
    const s = factory.fresh() as unknown as ActiveSession<Cart>;
    s.set('name', 'Ada');
    await s.save();
    const applyNow = vi.spyOn(store as MemoryStore, 'applyNow').mockImplementation(() => {
      throw new Error('out of memory');
    });
    s.increment('visits');
    await expect(s.commit()).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    applyNow.mockRestore();
    expect(s.commit()).toBeUndefined();
    expect((await store.load(s.handle))!.data.get('visits')).toBe('1');
    await store.destroy(s.handle);
    s.increment('visits');
    expect(s.commit()).toBeUndefined();
    expect(await store.load(s.handle)).toBeNull();
    expect(s.commit()).toBeUndefined();
    vi.restoreAllMocks();
  });

  it('refuses writes after destroy, with a message that says why', async () => {
    const s = fresh();
    s.set('name', 'Ada');
    await s.save();
    await s.destroy();
    expect(() => s.set('name', 'Bob')).toThrow(/destroyed/);
  });
});

describe('Session over corrupt stored values', () => {
  it('reads a value that is not JSON (written by something else) as absent, and can overwrite it', async () => {
    const now = Date.now();
    const meta = { createdAt: now, expiresAt: now + 60_000, lastSeenAt: now };
    const stored = {
      data: new Map([
        ['name', '{not json'],
        ['visits', '3'],
      ]),
      meta,
    };
    const s = defaults.factory.loaded(
      { id: 'x'.repeat(32), key: 'key' },
      stored,
    ) as unknown as ActiveSession<Cart>;
    expect(s.get('name')).toBeUndefined();
    expect(s.has('name')).toBe(false);
    expect(s.all()).toEqual({ visits: 3 });
    s.set('name', 'Ada');
    expect(s.get('name')).toBe('Ada');
  });
});

describe('a session not loaded (@Session({ load: false }))', () => {
  /** A stored session holding `values`, and an unread session object over its id. */
  async function storedThenUnread(values: Partial<Cart>, factory = defaults.factory) {
    const s = fresh(factory);
    for (const [k, v] of Object.entries(values)) s.set(k as 'name', v as string);
    await s.save();
    const unread = factory.unread({ id: s.id, key: s.handle }) as unknown as ActiveSession<Cart>;
    return { stored: s, unread };
  }

  it('saves its writes over the stored data it never read (a store without applyUnread reads it in)', async () => {
    const { stored, unread } = await storedThenUnread({ name: 'Ada', visits: 2, items: ['a'] });
    unread.increment('visits', 3);
    unread.delete('items');
    unread.set('profile', { city: 'Oslo' });
    await unread.commit();
    const loaded = (await defaults.store.load(stored.handle))!;
    expect(Object.fromEntries([...loaded.data].map(([k, v]) => [k, JSON.parse(v) as unknown]))).toEqual({
      name: 'Ada',
      visits: 5,
      profile: { city: 'Oslo' },
    });
    expect(unread.id).toBe(stored.id);
  });

  it('refuses reads until read in, and commits nothing when nothing was written', async () => {
    const { unread } = await storedThenUnread({ name: 'Ada' });
    expect(() => unread.get('name')).toThrow(/not loaded.*@Session\(\)/);
    expect(() => unread.all()).toThrow(/not loaded/);
    expect(Number.isNaN(unread.increment('visits'))).toBe(true);
    const quiet = (await storedThenUnread({ name: 'Bo' })).unread;
    expect(quiet.commit()).toBeUndefined();
    await quiet.read();
    expect(quiet.get('name')).toBe('Bo');
  });

  it('reads the stored data in before regenerate, so the new id keeps it', async () => {
    const { stored, unread } = await storedThenUnread({ name: 'Ada' });
    unread.set('visits', 1);
    await unread.regenerate();
    expect(unread.id).not.toBe(stored.id);
    expect(unread.all()).toEqual({ name: 'Ada', visits: 1 });
    expect(await defaults.store.load(stored.handle)).toBeNull();
  });

  it('goes on as a new session holding its writes when its id names no live session', async () => {
    const { stored, unread } = await storedThenUnread({ name: 'Ada' });
    await stored.destroy();
    unread.set('name', 'Bo');
    await unread.commit();
    expect(unread.id).not.toBe(stored.id);
    expect(unread.isNew).toBe(false);
    expect(unread.all()).toEqual({ name: 'Bo' });
  });

  it('answers 413 at the save when its writes no longer fit over the stored data', async () => {
    const small = await sessionsWith({ maxSessionBytes: 200 });
    const { stored, unread } = await storedThenUnread({ name: 'x'.repeat(120) }, small.factory);
    unread.set('items', ['y'.repeat(100)]);
    await expect(unread.commit()).rejects.toBeInstanceOf(SessionTooLargeError);
    const loaded = (await small.store.load(stored.handle))!;
    expect([...loaded.data.keys()]).toEqual(['name']);
  });
});

import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionStoreUnavailableError } from '../errors/session-store-unavailable.error';
import { GuardedSessionStore } from './guarded-session-store';
import { MemoryStore } from './memory/memory.store';

/** A MemoryStore whose loads fail while `down`, as a store in an outage does. */
class FlakyStore extends MemoryStore {
  down = false;
  override load(key: string) {
    return this.down ? Promise.reject(new Error('connection refused')) : super.load(key);
  }
}

describe('GuardedSessionStore', () => {
  afterEach(() => vi.restoreAllMocks());

  it('logs an outage when it starts and when it ends, not once per failed call', async () => {
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const store = new FlakyStore();
    const guarded = new GuardedSessionStore(store, 1_000);
    store.down = true;
    for (let i = 0; i < 200; i++)
      await expect(guarded.load('k')).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    store.down = false;
    await guarded.load('k');
    await guarded.load('k');
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0][0])).toContain('connection refused');
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0][0])).toContain('200 call(s) failed');
    store.onApplicationShutdown();
  });

  it('answers 503 within its timeout when the store never answers, and arms no timer for one that answers at once', async () => {
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const store = new MemoryStore();
    const guarded = new GuardedSessionStore(store, 50);
    const timers = vi.spyOn(globalThis, 'setTimeout');
    await guarded.load('k');
    expect(timers).not.toHaveBeenCalled();
    vi.spyOn(store, 'load').mockReturnValue(new Promise(() => undefined));
    const started = Date.now();
    await expect(guarded.load('k')).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(500);
    store.onApplicationShutdown();
  });

  it('hands over what an in-process store holds without a promise; a store that overrides load is asked', async () => {
    const store = new MemoryStore();
    const guarded = new GuardedSessionStore(store, 1_000);
    const meta = { createdAt: 1, expiresAt: Date.now() + 60_000, lastSeenAt: 1 };
    const changes = {
      clear: false,
      set: new Map([['n', '1']]),
      delete: new Set<string>(),
      increment: new Map(),
    };
    await guarded.apply('k', changes, meta, meta);
    expect(guarded.peek('k')?.data.get('n')).toBe('1');
    expect(guarded.peek('unknown')).toBeNull();
    // A subclass that overrides load (to count, log, fail) keeps its load on the path.
    const flaky = new FlakyStore();
    expect(new GuardedSessionStore(flaky, 1_000).peek('k')).toBeUndefined();
    store.onApplicationShutdown();
    flaky.onApplicationShutdown();
  });

  it('writes a delta to an in-process store without a promise; a store that replaces apply is asked', async () => {
    const store = new MemoryStore();
    const guarded = new GuardedSessionStore(store, 1_000);
    const meta = { createdAt: 1, expiresAt: Date.now() + 60_000, lastSeenAt: 1 };
    const increment = {
      clear: false,
      set: new Map(),
      delete: new Set<string>(),
      increment: new Map([['n', 2]]),
    };
    expect(guarded.applyNow('k', increment, meta)).toBe(false); // absent: not created
    expect(guarded.peek('k')).toBeNull();
    await guarded.apply('k', { ...increment, increment: new Map([['n', 1]]) }, meta, meta);
    expect(guarded.applyNow('k', increment, meta)).toBe(true);
    expect(guarded.applyNow('k', increment, meta)).toBe(true);
    expect(guarded.peek('k')?.data.get('n')).toBe('5');
    // A subclass or a spy replacing apply keeps its apply on the path: nothing is written at once.
    class CountingStore extends MemoryStore {
      override apply(...args: Parameters<MemoryStore['apply']>) {
        return super.apply(...args);
      }
    }
    const counting = new CountingStore();
    await counting.apply('k', increment, meta, meta);
    expect(new GuardedSessionStore(counting, 1_000).applyNow('k', increment, meta)).toBeUndefined();
    vi.spyOn(store, 'apply').mockResolvedValue(true);
    expect(guarded.applyNow('k', increment, meta)).toBeUndefined();
    expect(guarded.peek('k')?.data.get('n')).toBe('5');
    store.onApplicationShutdown();
    counting.onApplicationShutdown();
  });

  it('fails a write at once that throws as a 503, as a failed apply, and logs the recovery', () => {
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const store = new MemoryStore();
    const guarded = new GuardedSessionStore(store, 1_000);
    const applyNow = vi.spyOn(store, 'applyNow').mockImplementation(() => {
      throw new Error('out of memory');
    });
    const none = { clear: false, set: new Map(), delete: new Set<string>(), increment: new Map() };
    const expiry = { expiresAt: Date.now() + 60_000, lastSeenAt: Date.now() };
    expect(() => guarded.applyNow('k', none, expiry)).toThrow(SessionStoreUnavailableError);
    expect(String(error.mock.calls[0][0])).toContain('out of memory');
    applyNow.mockRestore();
    expect(guarded.applyNow('k', none, expiry)).toBe(false);
    expect(log).toHaveBeenCalledTimes(1);
    store.onApplicationShutdown();
  });

  it('fails a peek that throws as a 503, as a failed load', () => {
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const store = new MemoryStore();
    vi.spyOn(store, 'peek').mockImplementation(() => {
      throw new Error('connection refused');
    });
    expect(() => new GuardedSessionStore(store, 1_000).peek('k')).toThrow(SessionStoreUnavailableError);
    store.onApplicationShutdown();
  });

  it('names the capability a feature needs when the store lacks it', async () => {
    const bare = new (class extends MemoryStore {
      override listByUser = undefined as never;
    })();
    const guarded = new GuardedSessionStore(bare, 1_000);
    expect(() => guarded.listByUser('u')).toThrow(/listByUser needs a store that can keep a user index/);
    bare.onApplicationShutdown();
  });
});

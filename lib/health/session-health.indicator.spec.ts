import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GuardedSessionStore } from '../stores/guarded-session-store';
import { MemoryStore } from '../stores/memory/memory.store';
import type { PingableStore, StoredSession } from '../stores/session-store';
import { SessionStore } from '../stores/session-store';
import { SessionHealthIndicator } from './session-health.indicator';

/** The four required methods only, no ping(): how a store written before PingableStore looks. */
class PlainStore extends SessionStore {
  readonly loaded: string[] = [];
  async load(key: string): Promise<StoredSession | null> {
    this.loaded.push(key);
    return null;
  }
  async apply(): Promise<boolean> {
    return false;
  }
  async touch(): Promise<boolean> {
    return false;
  }
  async destroy(): Promise<boolean> {
    return false;
  }
}

/** A pingable store whose backend can be made to fail or to hang. */
class SwitchableStore extends PlainStore implements PingableStore {
  mode: 'up' | 'failing' | 'hanging' = 'up';
  async ping(): Promise<void> {
    if (this.mode === 'failing') throw new Error('connect ECONNREFUSED 10.0.0.7:6379');
    if (this.mode === 'hanging') await new Promise(() => undefined);
  }
}

const indicatorOn = (store: SessionStore, timeout = 200) =>
  new SessionHealthIndicator(new GuardedSessionStore(store, timeout));

describe('SessionHealthIndicator', () => {
  beforeAll(() => {
    // The guarded store logs each outage; these are deliberate.
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterAll(() => vi.restoreAllMocks());

  it('reports up under the key given, "sessions" by default', async () => {
    const memory = new MemoryStore();
    const indicator = indicatorOn(memory);
    expect(await indicator.check()).toEqual({ sessions: { status: 'up' } });
    expect(await indicator.check('store')).toEqual({ store: { status: 'up' } });
    memory.onApplicationShutdown();
  });

  it('reports down, with a message naming nothing internal, when ping fails, and up once it answers', async () => {
    const store = new SwitchableStore();
    const indicator = indicatorOn(store);
    store.mode = 'failing';
    const down = await indicator.check();
    expect(down).toEqual({ sessions: { status: 'down', message: 'Session store unavailable' } });
    expect(JSON.stringify(down)).not.toContain('10.0.0.7');
    store.mode = 'up';
    expect(await indicator.check()).toEqual({ sessions: { status: 'up' } });
  });

  it('reports down within the store timeout when ping hangs', async () => {
    const store = new SwitchableStore();
    store.mode = 'hanging';
    const started = Date.now();
    expect((await indicatorOn(store, 150).check()).sessions.status).toBe('down');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('probes a store without ping() with a load of a key no session has, and says so', async () => {
    const store = new PlainStore();
    expect(await indicatorOn(store).check()).toEqual({ sessions: { status: 'up', probe: 'load' } });
    expect(store.loaded).toHaveLength(1);
    expect(store.loaded[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('never counts: a counting store is pinged, not counted', async () => {
    const memory = new MemoryStore();
    const count = vi.spyOn(memory, 'count');
    const ping = vi.spyOn(memory, 'ping');
    await indicatorOn(memory).check();
    expect(count).not.toHaveBeenCalled();
    expect(ping).toHaveBeenCalledTimes(1);
    memory.onApplicationShutdown();
  });
});

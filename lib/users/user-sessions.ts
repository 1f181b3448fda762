import type { SessionInfo } from './session-info.interface';
import type { SessionRuntime } from '../session-runtime';
import type { SessionStore, StoredSessionEntry } from '../stores/session-store';

const USER_CACHE_PREFIX = 'user:';

/**
 * The user side of sessions: the store's user index (listing, revoking, per-user limits) and the
 * cached user profiles of `userLoader`. Internal; reached through SessionManager and Session.
 */
export class UserSessions {
  /** Profile loads under way in this process, so concurrent requests share one loader call. */
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(private readonly runtime: SessionRuntime) {}

  async list(userId: string): Promise<SessionInfo[]> {
    const now = Date.now();
    const entries = await this.entries(userId);
    return entries
      .filter((e) => this.runtime.isAlive(e.meta, now))
      .map(({ key, meta }) => ({
        handle: key,
        createdAt: new Date(meta.createdAt),
        lastSeenAt: new Date(meta.lastSeenAt),
        expiresAt: new Date(meta.expiresAt),
        ...(meta.userAgent === undefined ? {} : { userAgent: meta.userAgent }),
        ...(meta.ip === undefined ? {} : { ip: meta.ip }),
      }));
  }

  /** Destroys the user's sessions but `exceptKey`; the number destroyed. */
  async destroyAll(userId: string, exceptKey?: string): Promise<number> {
    const entries = await this.entries(userId);
    const doomed = entries.filter((e) => e.key !== exceptKey);
    const results = await Promise.all(doomed.map((e) => this.destroy(e.key, userId)));
    return results.filter(Boolean).length;
  }

  /** Destroys one session by its handle, emitting `destroyed`. */
  async destroy(key: string, userId?: string): Promise<boolean> {
    const { store } = this.runtime;
    const destroyed = await this.runtime.call('destroy', () => store.destroy(key));
    if (destroyed) this.runtime.emit('destroyed', key, userId === undefined ? {} : { userId });
    return destroyed;
  }

  /** After a login: ends the user's oldest sessions past `maxSessionsPerUser`, never `keepKey`. */
  async enforceLimit(userId: string, keepKey: string): Promise<void> {
    const max = this.runtime.settings.maxSessionsPerUser;
    if (max === undefined) return;
    const now = Date.now();
    const live = (await this.entries(userId)).filter((e) => this.runtime.isAlive(e.meta, now));
    const excess = live.length - max;
    if (excess <= 0) return;
    const oldestFirst = live.filter((e) => e.key !== keepKey).sort((a, b) => a.meta.createdAt - b.meta.createdAt);
    await Promise.all(oldestFirst.slice(0, excess).map((e) => this.destroy(e.key, userId)));
  }

  /** The user's profile: from the shared cache, or loaded once and cached for `userCacheTtl`. */
  async profile<U>(userId: string): Promise<U> {
    const store = this.cacheOf('session.user()');
    const cached = await this.runtime.call('cache', () => store.getCached!(USER_CACHE_PREFIX + userId));
    if (cached !== null) {
      try {
        return JSON.parse(cached) as U;
      } catch {
        // a corrupt cache entry is reloaded below, like a miss
      }
    }
    return (await this.reload(userId)) as U;
  }

  /** Loads the profile through `userLoader` now and caches it; concurrent callers share one load. */
  reload(userId: string): Promise<unknown> {
    const pending = this.loading.get(userId);
    if (pending) return pending;
    const load = this.loadAndCache(userId).finally(() => this.loading.delete(userId));
    this.loading.set(userId, load);
    return load;
  }

  async evict(userId: string): Promise<void> {
    const store = this.cacheOf('evictUser');
    await this.runtime.call('cache', () => store.deleteCached!(USER_CACHE_PREFIX + userId));
  }

  private async loadAndCache(userId: string): Promise<unknown> {
    const { userLoader, userCacheTtl } = this.runtime.settings;
    if (!userLoader) throw new TypeError('session.user() needs the userLoader option of SessionModule');
    const store = this.cacheOf('session.user()');
    const profile = await userLoader(userId);
    const json = JSON.stringify(profile ?? null);
    await this.runtime.call('cache', () => store.setCached!(USER_CACHE_PREFIX + userId, json, userCacheTtl));
    return profile;
  }

  private async entries(userId: string): Promise<StoredSessionEntry[]> {
    const { store } = this.runtime;
    if (!store.listByUser) throw new TypeError(`${store.constructor.name} keeps no user index (listByUser)`);
    return this.runtime.call('listByUser', () => store.listByUser!(userId));
  }

  private cacheOf(feature: string): SessionStore {
    const { store } = this.runtime;
    if (!store.getCached || !store.setCached || !store.deleteCached) {
      throw new TypeError(`${feature} needs a store with a cache; ${store.constructor.name} has none`);
    }
    return store;
  }
}

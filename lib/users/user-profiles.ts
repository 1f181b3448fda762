import { Inject, Injectable } from '@nestjs/common';
import { SESSION_SETTINGS, SessionSettings } from '../options/session-settings';
import { GuardedSessionStore } from '../stores/guarded-session-store';

const USER_CACHE_PREFIX = 'user:';

/** A cache read in flight, told of any load of its user that starts before it answers. */
interface Lookup {
  load?: Promise<unknown>;
}

/**
 * The users' profiles of `userLoader`, cached in the store for `userCacheTtl` and shared by all of
 * a user's sessions (and app instances). Concurrent loads in one process share one loader call.
 */
@Injectable()
export class UserProfiles {
  private readonly loading = new Map<string, Promise<unknown>>();
  private readonly lookups = new Map<string, Set<Lookup>>();

  constructor(
    @Inject(SESSION_SETTINGS) private readonly settings: SessionSettings,
    private readonly store: GuardedSessionStore,
  ) {}

  /**
   * The user's profile: from the shared cache, or loaded once and cached. A cache read that was
   * in flight while a load of the same user ran (its miss may predate the load's write) takes that
   * load's result instead of loading again.
   */
  async profile<U>(userId: string): Promise<U> {
    const pending = this.loading.get(userId);
    if (pending) return (await pending) as U;
    const lookup: Lookup = {};
    let inFlight = this.lookups.get(userId);
    if (!inFlight) this.lookups.set(userId, (inFlight = new Set()));
    inFlight.add(lookup);
    let cached: string | null;
    try {
      cached = await this.store.getCached(USER_CACHE_PREFIX + userId);
    } finally {
      inFlight.delete(lookup);
      if (inFlight.size === 0) this.lookups.delete(userId);
    }
    if (cached !== null) {
      try {
        return JSON.parse(cached) as U;
      } catch {
        // a corrupt cache entry is reloaded below, like a miss
      }
    }
    return (await (lookup.load ?? this.reload(userId))) as U;
  }

  /** Loads the profile through `userLoader` now and caches it; concurrent callers share one load. */
  reload(userId: string): Promise<unknown> {
    const pending = this.loading.get(userId);
    if (pending) return pending;
    const load = this.loadAndCache(userId).finally(() => this.loading.delete(userId));
    this.loading.set(userId, load);
    for (const lookup of this.lookups.get(userId) ?? []) lookup.load ??= load;
    return load;
  }

  evict(userId: string): Promise<void> {
    return this.store.deleteCached(USER_CACHE_PREFIX + userId);
  }

  private async loadAndCache(userId: string): Promise<unknown> {
    const { userLoader, userCacheTtl } = this.settings;
    if (!userLoader) throw new TypeError('session.user() needs the userLoader option of SessionModule');
    const profile = await userLoader(userId);
    await this.store.setCached(USER_CACHE_PREFIX + userId, JSON.stringify(profile ?? null), userCacheTtl);
    return profile;
  }
}

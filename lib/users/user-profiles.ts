import { Inject, Injectable } from '@nestjs/common';
import { SESSION_SETTINGS, SessionSettings } from '../options/session-settings';
import { GuardedSessionStore } from '../stores/guarded-session-store';

const USER_CACHE_PREFIX = 'user:';

/**
 * The users' profiles of `userLoader`, cached in the store for `userCacheTtl` and shared by all of
 * a user's sessions (and app instances). Concurrent loads in one process share one loader call.
 */
@Injectable()
export class UserProfiles {
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(SESSION_SETTINGS) private readonly settings: SessionSettings,
    private readonly store: GuardedSessionStore,
  ) {}

  /** The user's profile: from the shared cache, or loaded once and cached. */
  async profile<U>(userId: string): Promise<U> {
    const cached = await this.store.getCached(USER_CACHE_PREFIX + userId);
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

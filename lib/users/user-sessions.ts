import { Inject, Injectable } from '@nestjs/common';
import { SESSION_SETTINGS, SessionSettings } from '../options/session-settings';
import { isAlive } from '../session/expiry';
import { SessionRepository } from '../session/session-repository';
import { SessionUsers } from '../session/session-users';
import { GuardedSessionStore } from '../stores/guarded-session-store';
import type { StoredSessionEntry } from '../stores/session-store';
import type { SessionInfo } from './session-info.interface';
import { UserProfiles } from './user-profiles';

/**
 * The user side of sessions: the store's user index (listing, revoking, per-user limits) and,
 * through `UserProfiles`, the cached profiles. Reached through SessionManager and Session.
 */
@Injectable()
export class UserSessions extends SessionUsers {
  constructor(
    @Inject(SESSION_SETTINGS) private readonly settings: SessionSettings,
    private readonly store: GuardedSessionStore,
    private readonly repository: SessionRepository,
    private readonly profiles: UserProfiles,
  ) {
    super();
  }

  async list(userId: string): Promise<SessionInfo[]> {
    const entries = await this.live(userId);
    return entries.map(({ key, meta }) => ({
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
    const doomed = (await this.store.listByUser(userId)).filter((e) => e.key !== exceptKey);
    const results = await Promise.all(doomed.map((e) => this.repository.destroy(e.key, { userId })));
    return results.filter(Boolean).length;
  }

  /** Ends the user's oldest sessions past `maxSessionsPerUser`, never `keepKey`. */
  async afterLogin(userId: string, keepKey: string): Promise<void> {
    const max = this.settings.maxSessionsPerUser;
    if (max === undefined) return;
    const live = await this.live(userId);
    const excess = live.length - max;
    if (excess <= 0) return;
    const oldestFirst = live.filter((e) => e.key !== keepKey).sort((a, b) => a.meta.createdAt - b.meta.createdAt);
    await Promise.all(oldestFirst.slice(0, excess).map((e) => this.repository.destroy(e.key, { userId })));
  }

  profile<U>(userId: string): Promise<U> {
    return this.profiles.profile<U>(userId);
  }

  private async live(userId: string): Promise<StoredSessionEntry[]> {
    const now = Date.now();
    return (await this.store.listByUser(userId)).filter((e) => isAlive(e.meta, now, this.settings));
  }
}

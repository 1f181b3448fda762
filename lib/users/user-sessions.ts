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

  /** Destroys the user's sessions but `exceptKey`, in one store step; the number destroyed. */
  destroyAll(userId: string, exceptKey?: string): Promise<number> {
    return this.repository.destroyByUser(userId, exceptKey);
  }

  profile<U>(userId: string): Promise<U> {
    return this.profiles.profile<U>(userId);
  }

  private async live(userId: string): Promise<StoredSessionEntry[]> {
    const now = Date.now();
    return (await this.store.listByUser(userId)).filter((e) => isAlive(e.meta, now, this.settings));
  }
}

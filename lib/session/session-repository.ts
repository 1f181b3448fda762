import { Inject, Injectable } from '@nestjs/common';
import { SESSION_SETTINGS, SessionSettings } from '../options/session-settings';
import { GuardedSessionStore } from '../stores/guarded-session-store';
import type { SessionChanges, SessionExpiry, SessionMeta, StoredSession } from '../stores/session-store';
import { isAlive } from './expiry';
import { SessionEvents } from './session-events';

const NO_KEYS: ReadonlySet<string> = new Set();
const NO_INCREMENTS: ReadonlyMap<string, number> = new Map();

/**
 * Sessions in the store, as the module means them: the one place that loads a *live* session,
 * creates one, and destroys one and says so on `events$` (same payload wherever it is called).
 */
@Injectable()
export class SessionRepository {
  constructor(
    @Inject(SESSION_SETTINGS) private readonly settings: SessionSettings,
    private readonly store: GuardedSessionStore,
    private readonly events: SessionEvents,
  ) {}

  /** The session under `key` if it is still alive by the module's rules, else null. */
  async loadLive(key: string): Promise<StoredSession | null> {
    const stored = await this.store.load(key);
    return stored && isAlive(stored.meta, Date.now(), this.settings) ? stored : null;
  }

  /** Stores a session under a new key with exactly `data`; `previousKey` when it replaces one. */
  async create(key: string, data: ReadonlyMap<string, string>, meta: SessionMeta, previousKey?: string): Promise<void> {
    const everything: SessionChanges = { clear: true, set: data, delete: NO_KEYS, increment: NO_INCREMENTS };
    await this.store.apply(key, everything, meta, meta);
    this.events.emit(previousKey === undefined ? 'created' : 'regenerated', key, meta.userId, previousKey);
  }

  /** Applies a delta to a stored session; false when it is gone (nothing is revived). */
  write(key: string, changes: SessionChanges, expiry: SessionExpiry): Promise<boolean> {
    return this.store.apply(key, changes, expiry);
  }

  /** Pushes a stored session's expiry forward; false when it is gone. */
  touch(key: string, expiry: SessionExpiry): Promise<boolean> {
    return this.store.touch(key, expiry);
  }

  /**
   * Destroys the session under `key` and emits `destroyed` (or `logout`) once it is gone. The
   * user id comes from the caller when it knows it, else from the stored session.
   */
  async destroy(key: string, owner?: { userId?: string }, type: 'destroyed' | 'logout' = 'destroyed'): Promise<boolean> {
    const userId = owner ? owner.userId : (await this.store.load(key))?.meta.userId;
    const destroyed = await this.store.destroy(key);
    if (destroyed) this.events.emit(type, key, userId);
    return destroyed;
  }

  /** Drops the old key of a session moving to a new id; the `regenerated` event names it. */
  release(key: string): Promise<boolean> {
    return this.store.destroy(key);
  }

  /** Publishes a login (after the session moved to its new key). */
  loggedIn(key: string, userId: string, previousKey: string): void {
    this.events.emit('login', key, userId, previousKey);
  }
}

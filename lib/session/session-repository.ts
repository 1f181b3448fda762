import { Inject, Injectable } from '@nestjs/common';
import { SESSION_SETTINGS, SessionSettings } from '../options/session-settings';
import { GuardedSessionStore } from '../stores/guarded-session-store';
import type {
  SessionChanges,
  SessionExpiry,
  SessionMeta,
  StoredSession,
  UnreadWriteResult,
  UserBinding,
} from '../stores/session-store';
import { InvalidSessionOptionsError } from '../errors/invalid-session-options.error';
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
  ) {
    if (settings.maxSessionsPerUser !== undefined && !store.hasUserIndex) {
      throw new InvalidSessionOptionsError(
        `maxSessionsPerUser needs a store with a user index; ${store.store.constructor.name} keeps none`,
      );
    }
  }

  /**
   * The session under `key` if it is still alive by the module's rules, else null. `freshness`:
   * the client's token of its last write (a caching store reloads a copy older than it).
   */
  loadLive(key: string, freshness?: string): Promise<StoredSession | null> {
    return this.store
      .load(key, freshness)
      .then((stored) => (stored && isAlive(stored.meta, Date.now(), this.settings) ? stored : null));
  }

  /**
   * `loadLive`'s answer at once when the store holds the session in this process; undefined
   * when it takes a load.
   */
  peekLive(key: string, freshness?: string): StoredSession | null | undefined {
    const stored = this.store.peek(key, freshness);
    if (!stored) return stored;
    return isAlive(stored.meta, Date.now(), this.settings) ? stored : null;
  }

  /**
   * Stores a session under a new key with exactly `data`; `previousKey` when it replaces one (a
   * regenerate or a login). False when the user's index refused it (see `UserBinding`).
   */
  async create(
    key: string,
    data: ReadonlyMap<string, string>,
    meta: SessionMeta,
    previousKey?: string,
    binding?: UserBinding,
  ): Promise<boolean> {
    const everything: SessionChanges = { clear: true, set: data, delete: NO_KEYS, increment: NO_INCREMENTS };
    if (!(await this.store.apply(key, everything, meta, meta, binding))) return false;
    this.events.emit(previousKey === undefined ? 'created' : 'regenerated', key, meta.userId, previousKey);
    return true;
  }

  /**
   * Whether a session moving to a new key can be filed in its user's index in place of the old
   * one (the store keeps an index, and the session stays with the same user): then the new key is
   * created first, atomically against "log out everywhere", and the old one released after.
   */
  canReplaceInIndex(from: SessionMeta, to: SessionMeta): boolean {
    return from.userId !== undefined && from.userId === to.userId && this.store.hasUserIndex;
  }

  /** Applies a delta to a stored session; false when it is gone (nothing is revived). */
  write(key: string, changes: SessionChanges, expiry: SessionExpiry): Promise<boolean> {
    return this.store.apply(key, changes, expiry);
  }

  /**
   * Whether the store can apply a write to a session nobody read first, checking its expiry and
   * size in the same step (one store call for a request that only writes).
   */
  get writesUnread(): boolean {
    return this.store.writesUnread;
  }

  /**
   * Applies a delta to a session this request never read, if it is still alive by the module's
   * rules and stays within `maxBytes` (only when `writesUnread`).
   */
  writeUnread(
    key: string,
    changes: SessionChanges,
    now: number,
    maxBytes: number,
  ): Promise<UnreadWriteResult> {
    const { idleTimeout, absoluteTimeout } = this.settings;
    return this.store.applyUnread(key, changes, { now, idleTimeout, absoluteTimeout, maxBytes });
  }

  /** `write` done at once when the store writes in this process; undefined when only `write` can. */
  writeNow(key: string, changes: SessionChanges, expiry: SessionExpiry): boolean | undefined {
    return this.store.applyNow(key, changes, expiry);
  }

  /** The token of this process's last write of `key`, for the client to present next time. */
  freshness(key: string): string | undefined {
    return this.store.freshness(key);
  }

  /** Pushes a stored session's expiry forward; false when it is gone. */
  touch(key: string, expiry: SessionExpiry): Promise<boolean> {
    return this.store.touch(key, expiry);
  }

  /**
   * Destroys the session under `key` and emits `destroyed` (or `logout`) once it is gone. The
   * user id comes from the caller when it knows it, else from the stored session.
   */
  async destroy(
    key: string,
    owner?: { userId?: string },
    type: 'destroyed' | 'logout' = 'destroyed',
  ): Promise<boolean> {
    const userId = owner ? owner.userId : (await this.store.load(key))?.meta.userId;
    const destroyed = await this.store.destroy(key);
    if (destroyed) this.events.emit(type, key, userId);
    return destroyed;
  }

  /** Drops the old key of a session moving to a new id; the `regenerated` event names it. */
  release(key: string): Promise<boolean> {
    return this.store.destroy(key);
  }

  /** Destroys the user's sessions but `exceptKey` in one store step, each emitting `destroyed`. */
  async destroyByUser(userId: string, exceptKey?: string): Promise<number> {
    const destroyed = await this.store.destroyByUser(userId, exceptKey);
    for (const key of destroyed) this.events.emit('destroyed', key, userId);
    return destroyed.length;
  }

  /** Publishes a login (after the session moved to its new key). */
  loggedIn(key: string, userId: string, previousKey: string): void {
    this.events.emit('login', key, userId, previousKey);
  }
}

import { Logger } from '@nestjs/common';
import { SessionStoreUnavailableError } from '../errors/session-store-unavailable.error';
import type {
  FreshnessStore,
  ImmediateStore,
  PeekableStore,
  SessionChanges,
  SessionExpiry,
  SessionMeta,
  SessionStore,
  SharedCacheStore,
  StoredSession,
  StoredSessionEntry,
  UnreadWriteResult,
  UnreadWriteRules,
  UserBinding,
} from './session-store';
import {
  isCountingStore,
  isFreshnessStore,
  isImmediateStore,
  isPeekableStore,
  isPingableStore,
  isSharedCacheStore,
  isUnreadWriteStore,
  isUserIndexStore,
} from './session-store';

/**
 * What a store without `ping()` is asked for in its place: a key of a session key's shape that no
 * session id hashes to, so the read finds nothing, on every store, at the cost of one lookup.
 */
const PROBE_KEY = 'nest-sessions-health-probe'.padEnd(43, '_');

/**
 * The configured store, wrapped once: every call runs within `storeTimeout`, and a failure or a
 * timeout becomes a 503 `SessionStoreUnavailableError`. An outage is logged when it starts and
 * when it ends (with the number of calls that failed meanwhile), not once per call. A missing
 * optional capability is a TypeError naming the feature. Internal: the rest of the module uses
 * this; `SessionStore` stays the user's store.
 */
export class GuardedSessionStore {
  private readonly logger = new Logger('SessionStore');
  /** Calls that failed since the outage began; 0 while the store answers. */
  private failures = 0;
  private readonly peekable: PeekableStore | undefined;
  private readonly immediate: ImmediateStore | undefined;
  /** Asked after every write: the capability is looked up once. */
  private readonly fresh: FreshnessStore | undefined;

  constructor(
    readonly store: SessionStore,
    /** Ms a call may take: `storeTimeout`. */
    private readonly timeout: number,
  ) {
    this.peekable = isPeekableStore(store) ? store : undefined;
    this.immediate = isImmediateStore(store) ? store : undefined;
    this.fresh = isFreshnessStore(store) ? store : undefined;
  }

  /** `freshness`: the client's token of its last write, for stores that cache (`FreshnessStore`). */
  load(key: string, freshness?: string): Promise<StoredSession | null> {
    const { store, fresh } = this;
    if (freshness !== undefined && fresh) {
      return this.call('load', () => fresh.loadFresh(key, freshness));
    }
    return this.call('load', () => store.load(key));
  }

  /** The token of this process's last write of `key`, from a `FreshnessStore`; else undefined. */
  freshness(key: string): string | undefined {
    return this.fresh?.freshness(key);
  }

  /**
   * The session at once when the store holds it in this process (see `PeekableStore`); undefined
   * when only `load` can tell. A store that throws fails the call as `load` would (503).
   */
  peek(key: string, freshness?: string): StoredSession | null | undefined {
    if (!this.peekable) return undefined;
    try {
      const session = this.peekable.peek(key, freshness);
      if (this.failures > 0 && session !== undefined) this.recordRecovery();
      return session;
    } catch (error) {
      this.recordFailure('load', error);
      throw new SessionStoreUnavailableError('load', error);
    }
  }

  apply(
    key: string,
    changes: SessionChanges,
    expiry: SessionExpiry,
    create?: SessionMeta,
    binding?: UserBinding,
  ): Promise<boolean> {
    return this.call('apply', () => this.store.apply(key, changes, expiry, create, binding));
  }

  /** A write to a session not read first, checked by the store (see `UnreadWriteStore`). */
  applyUnread(key: string, changes: SessionChanges, rules: UnreadWriteRules): Promise<UnreadWriteResult> {
    const store = this.capability(isUnreadWriteStore, 'applyUnread', 'write a session it did not load');
    return this.call('apply', () => store.applyUnread(key, changes, rules));
  }

  /** Whether the store checks writes to sessions not read first (`UnreadWriteStore`). */
  get writesUnread(): boolean {
    return isUnreadWriteStore(this.store);
  }

  /**
   * `apply` of a delta done at once when the store writes in this process (see `ImmediateStore`);
   * undefined when only `apply` can do it. A store that throws fails the call as `apply` would (503).
   */
  applyNow(key: string, changes: SessionChanges, expiry: SessionExpiry): boolean | undefined {
    if (!this.immediate) return undefined;
    try {
      const applied = this.immediate.applyNow(key, changes, expiry);
      if (this.failures > 0 && applied !== undefined) this.recordRecovery();
      return applied;
    } catch (error) {
      this.recordFailure('apply', error);
      throw new SessionStoreUnavailableError('apply', error);
    }
  }

  touch(key: string, expiry: SessionExpiry): Promise<boolean> {
    return this.call('touch', () => this.store.touch(key, expiry));
  }

  destroy(key: string): Promise<boolean> {
    return this.call('destroy', () => this.store.destroy(key));
  }

  count(): Promise<number> {
    const store = this.capability(isCountingStore, 'count()', 'count sessions');
    return this.call('count', () => store.count());
  }

  listByUser(userId: string): Promise<StoredSessionEntry[]> {
    const store = this.capability(isUserIndexStore, 'listByUser', 'keep a user index');
    return this.call('listByUser', () => store.listByUser(userId));
  }

  destroyByUser(userId: string, exceptKey?: string): Promise<string[]> {
    const store = this.capability(isUserIndexStore, 'destroyByUser', 'keep a user index');
    return this.call('destroyByUser', () => store.destroyByUser(userId, exceptKey));
  }

  /**
   * Whether the store answers within `storeTimeout`, for health checks: its `ping()`, or on a
   * store without one (see `canPing`) a `load` of a key no session has. Never a count or a scan.
   */
  ping(): Promise<void> {
    const { store } = this;
    if (isPingableStore(store)) return this.call('ping', () => store.ping());
    return this.call('ping', () => store.load(PROBE_KEY).then(() => undefined));
  }

  /** Whether the store has its own `ping()` (`PingableStore`). */
  get canPing(): boolean {
    return isPingableStore(this.store);
  }

  /** Whether the store keeps a user index (`UserBinding` rules apply only then). */
  get hasUserIndex(): boolean {
    return isUserIndexStore(this.store);
  }

  getCached(name: string): Promise<string | null> {
    const store = this.cache();
    return this.call('cache', () => store.getCached(name));
  }

  setCached(name: string, value: string, ttl: number): Promise<void> {
    const store = this.cache();
    return this.call('cache', () => store.setCached(name, value, ttl));
  }

  deleteCached(name: string): Promise<void> {
    const store = this.cache();
    return this.call('cache', () => store.deleteCached(name));
  }

  private cache(): SharedCacheStore {
    return this.capability(isSharedCacheStore, 'session.user() and evictUser', 'cache user profiles');
  }

  private capability<C>(
    guard: (store: SessionStore) => store is SessionStore & C,
    feature: string,
    what: string,
  ): C {
    if (!guard(this.store))
      throw new TypeError(`${feature} needs a store that can ${what}; ${this.store.constructor.name} cannot`);
    return this.store;
  }

  /**
   * Runs one store call under the one timeout it has. The timer is armed only for a call still
   * pending after a microtask, so an in-process store (which answers at once) pays for none.
   */
  private call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const fail = (cause: unknown) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        this.recordFailure(operation, cause);
        reject(new SessionStoreUnavailableError(operation, cause));
      };
      let pending: Promise<T>;
      try {
        pending = run();
      } catch (error) {
        return fail(error);
      }
      pending.then((value) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        if (this.failures > 0) this.recordRecovery();
        resolve(value);
      }, fail);
      queueMicrotask(() => {
        if (!settled)
          timer = setTimeout(
            () => fail(new Error(`no answer within ${this.timeout} ms (storeTimeout)`)),
            this.timeout,
          );
      });
    });
  }

  private recordFailure(operation: string, cause: unknown): void {
    if (this.failures++ > 0) return;
    const reason = cause instanceof Error ? cause.message : String(cause);
    this.logger.error(
      `Session store unavailable: ${operation} failed: ${reason}; session routes answer 503 until it is back`,
    );
  }

  private recordRecovery(): void {
    this.logger.log(`Session store is back; ${this.failures} call(s) failed during the outage`);
    this.failures = 0;
  }
}

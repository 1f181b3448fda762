/**
 * Metadata a store keeps beside a session's data. All times are epoch milliseconds.
 */
export interface SessionMeta {
  createdAt: number;
  /** When the session dies unless touched again (already capped by the absolute timeout). */
  expiresAt: number;
  /** Last request that touched or changed the session (precision: the touch interval). */
  lastSeenAt: number;
  /** Idle timeout of this session when it differs from the module's (token sessions). */
  ttl?: number;
  userId?: string;
  userAgent?: string;
  ip?: string;
}

/** A session as loaded: values are JSON texts, parsed only when read. */
export interface StoredSession {
  /** key -> JSON-encoded value. Read-only: the caller never mutates it, the store may share it. */
  data: ReadonlyMap<string, string>;
  meta: SessionMeta;
}

/**
 * What one request changed, compacted to at most one operation per key. The store applies it in
 * this order: `clear`, then `delete`, `set` and `increment` (which never share a key).
 */
export interface SessionChanges {
  /** Drop every key stored before this request. */
  clear: boolean;
  /** key -> JSON-encoded value. */
  set: ReadonlyMap<string, string>;
  delete: ReadonlySet<string>;
  /** key -> delta, added to the stored number (a missing or non-numeric value counts as 0). */
  increment: ReadonlyMap<string, number>;
}

/** The expiry fields every write refreshes. */
export interface SessionExpiry {
  expiresAt: number;
  lastSeenAt: number;
  /** Set when the session's own idle timeout changes (`SessionManager.touch(id, ttl)`). */
  ttl?: number;
}

/**
 * How a session created for a user joins that user's index (`apply` with `create` bound to a
 * user, on a store that keeps one). Both rules hold atomically with the index update, so
 * concurrent logins, regenerations and "log out everywhere" cannot interleave around them.
 */
export interface UserBinding {
  /**
   * The key of the session this one replaces (its regeneration): the new key is filed in its
   * place only while that key is still in the user's index; otherwise (the user was logged out
   * everywhere meanwhile) nothing is created and `apply` returns false.
   */
  replaces?: string;
  /**
   * Keep at most this many of the user's live sessions, the newest by `createdAt`; the others are
   * destroyed in the same step (`maxSessionsPerUser`).
   */
  limit?: number;
}

/** A user's session as listed by the user index. */
export interface StoredSessionEntry {
  key: string;
  meta: SessionMeta;
}

/**
 * The contract every store implements, and the DI token under which the module registers one.
 *
 * Stores never see a session id: they are given the session's *key*, a one-way hash of the id,
 * so a copy of the store (a dump, a replica, a log) holds nothing a client could present.
 *
 * Required: `load`, `apply`, `touch`, `destroy`. Optional capabilities are interfaces a store
 * class also implements, recognised by type guards: `CountingStore` (`count`), `UserIndexStore`
 * (`listByUser`) and `SharedCacheStore` (`getCached`/`setCached`/`deleteCached`). The module says
 * clearly when a feature needs a capability the configured store lacks.
 */
export abstract class SessionStore {
  private expiryListener?: (key: string, meta?: SessionMeta) => void;
  private evictionListener?: (key: string, userId: string) => void;

  /** The session under `key`, or null when it is unknown, expired or unreadable. Required. */
  abstract load(key: string): Promise<StoredSession | null>;

  /**
   * Applies one request's changes atomically against the *stored* session, so concurrent requests
   * never lose each other's keys or increments, and refreshes its expiry.
   * With `create`, the session is created when absent (a new id); without it, a session that is
   * absent (destroyed, regenerated or expired meanwhile) stays absent and the call returns false.
   * A created session bound to a user (`create.userId`) joins the user's index, under `binding`'s
   * rules, on stores that keep one. Required.
   */
  abstract apply(
    key: string,
    changes: SessionChanges,
    expiry: SessionExpiry,
    create?: SessionMeta,
    binding?: UserBinding,
  ): Promise<boolean>;

  /** Extends a session's expiry without rewriting its data; false when it is gone. Required. */
  abstract touch(key: string, expiry: SessionExpiry): Promise<boolean>;

  /** Removes a session (and its entry in the user index); false when there was none. Required. */
  abstract destroy(key: string): Promise<boolean>;

  /** @internal The module listens here to publish `expired` events. */
  onExpired(listener: (key: string, meta?: SessionMeta) => void): void {
    this.expiryListener = listener;
  }

  /** Stores that notice expiries (a sweep, an eviction, a keyspace event) report them here. */
  protected notifyExpired(key: string, meta?: SessionMeta): void {
    this.expiryListener?.(key, meta);
  }

  /** @internal The module listens here to publish a session a user's limit removed as `destroyed`. */
  onEvicted(listener: (key: string, userId: string) => void): void {
    this.evictionListener = listener;
  }

  /**
   * Stores that keep a user index report here each live session `UserBinding.limit` destroyed,
   * once it is gone (the module publishes it as `destroyed`: sockets bound to it are told).
   */
  protected notifyEvicted(key: string, userId: string): void {
    this.evictionListener?.(key, userId);
  }
}

/** A store that can count its live sessions (`SessionManager.count()`). */
export interface CountingStore {
  count(): Promise<number>;
}

/** A store that keeps a per-user index (`listByUser`, `destroyByUser`, `maxSessionsPerUser`). */
export interface UserIndexStore {
  /** The user's live sessions, oldest first, expired ones left out. */
  listByUser(userId: string): Promise<StoredSessionEntry[]>;
  /**
   * Destroys every session of the user but `exceptKey` ("log out everywhere"), final for each
   * one indexed when it runs: one being regenerated meanwhile is not filed under its new key (see
   * `UserBinding.replaces`). Returns the keys destroyed.
   */
  destroyByUser(userId: string, exceptKey?: string): Promise<string[]>;
}

/** A store with a small shared cache (the user profiles of `userLoader`). */
export interface SharedCacheStore {
  getCached(name: string): Promise<string | null>;
  setCached(name: string, value: string, ttl: number): Promise<void>;
  deleteCached(name: string): Promise<void>;
}

/**
 * A store that can tell cheaply whether its backend answers (Redis PING, a stat of a directory,
 * `SELECT 1`), for health checks. Never a scan or a count: it runs on every probe.
 */
export interface PingableStore {
  /** Resolves when the backend answers; rejects with the backend's error otherwise. */
  ping(): Promise<void>;
}

/**
 * A store that may hold a session in this process (a memory store, a near-cache): it hands it over
 * at once, with no promise, when it can. A request whose session is there then runs its handler
 * without waiting a turn of the event loop.
 */
export interface PeekableStore {
  /**
   * What `load(key)` would answer, given synchronously when known without I/O: the session, or
   * null when it is unknown or expired. Undefined when only `load` can tell. May throw as `load`
   * rejects. `freshness`: as for `FreshnessStore.loadFresh` (a cached copy older is not served).
   */
  peek(key: string, freshness?: string): StoredSession | null | undefined;
}

/**
 * @internal A store that writes in this process (`MemoryStore`): it applies a change set at once,
 * with no promise, so an end-of-request save adds no turns to the request.
 */
export interface ImmediateStore {
  /**
   * What `apply(key, changes, expiry)` would answer, given synchronously; undefined when only
   * `apply` can do it (nothing was written then). May throw as `apply` rejects. `changes` is read
   * during the call only: the caller may reuse it after.
   */
  applyNow(key: string, changes: SessionChanges, expiry: SessionExpiry): boolean | undefined;
}

/**
 * A store that caches sessions in process (RedisStore's near-cache) and can tell a client which
 * version it just wrote: the module sends that token to the client beside the id, and passes it
 * back to `load`, so a copy cached anywhere that is older than the client's own last write is
 * reloaded (read-your-writes across instances, with no round trip per read).
 */
export interface FreshnessStore {
  /** The token of this process's last write of `key`, or undefined (nothing to carry). */
  freshness(key: string): string | undefined;
  /**
   * `load`, for a client that presented `freshness` (untrusted text) with its id: a cached copy
   * older than the write it names is not served.
   */
  loadFresh(key: string, freshness: string): Promise<StoredSession | null>;
}

/** What a store checks for a write made without reading the session first (`UnreadWriteStore`). */
export interface UnreadWriteRules {
  /** The request's time (epoch ms): the new expiry counts from it. */
  now: number;
  /** The module's idle timeout (ms); a session's own `ttl` replaces it. */
  idleTimeout: number;
  /** The module's absolute timeout (ms), counted from `createdAt` (a longer own `ttl` stretches it). */
  absoluteTimeout: number;
  /** Most bytes the data may take as one JSON object once changed (`maxSessionBytes`). */
  maxBytes: number;
}

/** What `applyUnread` did. */
export type UnreadWriteResult =
  /** Written; `meta` is the session's metadata after it (the new expiry included). */
  | { status: 'applied'; meta: SessionMeta }
  /** No live session under the key (unknown, foreign, or past its expiry): nothing written. */
  | { status: 'absent' }
  /** The data would take `bytes`, over `maxBytes`: nothing written. */
  | { status: 'too-large'; bytes: number };

/**
 * A store that applies a request's changes to a session the request never read (a handler that
 * only writes: `@Session({ load: false })`), checking in the same atomic step what a load would
 * have checked: the session is alive by `rules`, and stays within `rules.maxBytes`. The whole
 * request is then one store call. Without it the module loads the session first, then applies.
 */
export interface UnreadWriteStore {
  applyUnread(key: string, changes: SessionChanges, rules: UnreadWriteRules): Promise<UnreadWriteResult>;
}

/** A session as a sealing store puts it in the value a client carries: its id travels with it. */
export interface SealedSession {
  /** The session's id (`session.id`), random like any other, kept inside the sealed value. */
  id: string;
  /** key -> JSON-encoded value. */
  data: ReadonlyMap<string, string>;
  meta: SessionMeta;
}

/**
 * A stateless store: the whole session travels with the client (`CookieStore`), sealed into the
 * value the client carries instead of an id, so the server keeps nothing. The module recognises it
 * with `isSealingStore` and then reads the sealed value from the request, opens it, and sends the
 * re-sealed value back on every save; the id and cookie layers treat that value as an opaque
 * string. Such a store has no user index and cannot count: those features fail loudly.
 * Concurrency is last-writer-wins: two requests carrying one value each seal their own result.
 */
export interface SealingStore {
  /**
   * The value a client carries as `name=value` (a cookie, or a header for token clients). Throws
   * `SessionTooLargeError` when it would not fit the store's size limit.
   */
  seal(session: SealedSession, name: string): string;
  /**
   * The session inside a value this store sealed, or null for anything else (tampered, truncated,
   * sealed with a key no longer in the ring, garbage). Never throws. Expiry is the caller's check.
   */
  unseal(value: string): SealedSession | null;
  /**
   * Most bytes the session's data may take as one JSON object (what `maxSessionBytes` counts) so
   * that `session`, sealed and carried as `name=value`, still fits: `set` refuses past it.
   */
  dataBudget(session: Omit<SealedSession, 'data'>, name: string): number;
}

const hasMethods = (store: object, ...names: string[]) =>
  names.every((name) => typeof (store as Record<string, unknown>)[name] === 'function');

export function isCountingStore(store: SessionStore): store is SessionStore & CountingStore {
  return hasMethods(store, 'count');
}

export function isUserIndexStore(store: SessionStore): store is SessionStore & UserIndexStore {
  return hasMethods(store, 'listByUser');
}

export function isSharedCacheStore(store: SessionStore): store is SessionStore & SharedCacheStore {
  return hasMethods(store, 'getCached', 'setCached', 'deleteCached');
}

export function isFreshnessStore(store: SessionStore): store is SessionStore & FreshnessStore {
  return hasMethods(store, 'freshness', 'loadFresh');
}

export function isPingableStore(store: SessionStore): store is SessionStore & PingableStore {
  return hasMethods(store, 'ping');
}

/** @internal */
export function isImmediateStore(store: SessionStore): store is SessionStore & ImmediateStore {
  return hasMethods(store, 'applyNow');
}

export function isPeekableStore(store: SessionStore): store is SessionStore & PeekableStore {
  return hasMethods(store, 'peek');
}

export function isUnreadWriteStore(store: SessionStore): store is SessionStore & UnreadWriteStore {
  return hasMethods(store, 'applyUnread');
}

/** A stateless store that seals the session into what the client carries (`CookieStore`). */
export function isSealingStore(store: SessionStore): store is SessionStore & SealingStore {
  return hasMethods(store, 'seal', 'unseal', 'dataBudget');
}

/** The default shape of session data when no type is given. */
export type SessionData = Record<string, unknown>;

/**
 * Whether `increment` may count in a value of type `V`: a number, optional or not, or an untyped
 * (`unknown`) value, which is checked at run time. Not `number | null` (a stored null makes
 * increment throw) nor a literal union such as `1 | 2` (a count would leave it).
 */
type Countable<V> = unknown extends V
  ? true
  : [Exclude<V, undefined>] extends [number]
    ? [number] extends [Exclude<V, undefined>]
      ? true
      : false
    : false;

/** `K` when it names a property (not an index signature) whose value `V` is countable. */
type CountableName<K, V> = string extends K
  ? never
  : number extends K
    ? never
    : Countable<V> extends true
      ? K
      : never;

/** The named keys of `T` that `increment` accepts. */
type CountableNamedKeys<T> = keyof { [K in keyof T as CountableName<K, T[K]>]: 0 };

/**
 * The keys `increment` accepts: those whose values are numbers (optional ones included), and any
 * key at all when `T` has a countable string index signature, as the bare `Session`'s
 * `Record<string, unknown>` does.
 */
export type NumericKeys<T> =
  | (string extends keyof T ? (Countable<T[string & keyof T]> extends true ? string : never) : never)
  | (CountableNamedKeys<T> & string);

/** A function or a class, which JSON drops. */
type Callable = ((...args: never[]) => unknown) | (abstract new (...args: never[]) => unknown);

/**
 * A value JSON keeps, as far as types can tell: a string, number, boolean or null, or an object that
 * is neither a function nor a built-in with a `Symbol.toStringTag` (Map, Set, Promise, typed arrays:
 * JSON would write something else). Values inside it are checked when `set` runs.
 */
type JsonSerializable =
  | string
  | number
  | boolean
  | null
  // Object literals: the type below would reject their properties as excess.
  | { [key: string]: unknown }
  // Interfaces and class instances, which have no index signature.
  | (object & { [Symbol.hasInstance]?: never; [Symbol.toStringTag]?: never });

/**
 * What `set` accepts for a key typed `V`: `V` less `undefined` (delete the key instead), functions,
 * BigInts and symbols, which JSON cannot carry; for an untyped key (`unknown`, as every key of a
 * bare `Session` is), a JSON-serialisable value. Name it in generic helpers:
 * `(session: Session<T>, key: K, value: SessionValue<T[K]>) => session.set(key, value)`.
 */
export type SessionValue<V> = unknown extends V
  ? V & JsonSerializable // still assignable to V, so an implementation may take a plain T[K]
  : Exclude<V, undefined | bigint | symbol | Callable>;

/**
 * A request's session, typed by its data `T`. Reads see this request's own changes; writes are
 * recorded as per-key operations and applied to the stored session as a delta at save, so
 * concurrent requests on one session never lose each other's changes.
 */
export interface Session<T extends object = SessionData> {
  /** The id the client presents (cookie value before signing, or header value). */
  readonly id: string;
  /** Not stored yet: created by this request. */
  readonly isNew: boolean;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** The user bound by `login`, if any. */
  readonly userId?: string;
  get<K extends keyof T & string>(key: K): T[K] | undefined;
  /**
   * Throws a TypeError for a value that is not JSON-serialisable (the type rejects what it can)
   * and a 413 past `maxSessionBytes`.
   */
  set<K extends keyof T & string>(key: K, value: SessionValue<T[K]>): void;
  has(key: keyof T & string): boolean;
  delete(key: keyof T & string): void;
  clear(): void;
  /** A read-only copy of all data. */
  all(): Readonly<Partial<T>>;
  /** Adds `by` and returns the new value; saved as a delta, so concurrent increments all count. */
  increment(key: NumericKeys<T>, by?: number): number;
  /** Persists now (before a redirect or a stream); otherwise saving happens after the handler. */
  save(): Promise<void>;
  /** New id, same data, old id dead. Call on any privilege change. */
  regenerate(): Promise<void>;
  /** Removes the session from the store and expires its cookie. */
  destroy(): Promise<void>;
  /**
   * Regenerates the id (fixation protection), binds the session to `userId` and indexes it under
   * that user with this request's user agent and IP; past `maxSessionsPerUser`, the user's oldest
   * sessions end. The absolute timeout restarts from the login.
   */
  login(userId: string, options?: LoginOptions): Promise<void>;
  /** Destroys the session and drops it from its user's index. */
  logout(): Promise<void>;
  /** The logged-in user's profile through `userLoader`, cached; undefined when nobody is logged in. */
  user<U = unknown>(): Promise<U | undefined>;
}

export interface LoginOptions {
  /** Idle timeout in ms for this session instead of the module's `idleTimeout`. */
  ttl?: number;
}

/**
 * The session of a handler that only writes (`@Session({ load: false })`): the request never
 * reads it, so it is not loaded before the handler, and its changes go to the store as one delta
 * at the end, checked there against the session's expiry and `maxSessionBytes`. On RedisStore the
 * whole request is then one round trip; on other stores the session is loaded at the save. A
 * client whose id names no live session gets a new session holding these changes, as with
 * `Session`.
 */
export interface SessionWriter<T extends object = SessionData> {
  /** Throws a TypeError for a value that is not JSON-serialisable and a 413 past `maxSessionBytes`. */
  set<K extends keyof T & string>(key: K, value: SessionValue<T[K]>): void;
  delete(key: keyof T & string): void;
  /** Drops every key stored before this request. */
  clear(): void;
  /** Adds `by` to the stored number at save (concurrent increments all count); returns nothing: nothing was read. */
  increment(key: NumericKeys<T>, by?: number): void;
  /** Persists now; otherwise saving happens after the handler. */
  save(): Promise<void>;
}

import type { OnApplicationShutdown } from '@nestjs/common';
import { applySessionChanges } from '../apply-session-changes';
import type {
  CountingStore,
  PeekableStore,
  PingableStore,
  SessionChanges,
  SessionExpiry,
  SessionMeta,
  SharedCacheStore,
  StoredSession,
  StoredSessionEntry,
  UserBinding,
  UserIndexStore,
} from '../session-store';
import { SessionStore } from '../session-store';
import { ExpiryQueue } from './expiry-queue';
import { decodeMemorySession, encodeMemorySession, memorySessionExpiry } from './memory-session-codec';

export interface MemoryStoreOptions {
  /**
   * Most sessions kept; past it the session closest to expiry (the least recently active, when
   * sessions share a timeout) is evicted.
   * @default 100_000
   */
  maxSessions?: number;
  /**
   * Most bytes of session text kept; past it, as past `maxSessions`, the sessions closest to expiry
   * are evicted. Counts each stored string (the session and its key) at 2 bytes per UTF-16 code
   * unit (`length * 2`), not `Buffer.byteLength`: V8 holds a string's characters in 1 or 2 bytes
   * each, so this never undercounts, whatever the characters (UTF-8 would count a long ASCII
   * string with one '€', which V8 stores at 2 bytes a character, at half its size), and it needs
   * no scan of the string. Per-session bookkeeping (map slots, the expiry queue) is bounded by
   * `maxSessions` instead, and the shared cache (`userLoader` profiles) is not counted. Keep it far
   * above `maxSessionBytes`: a session larger than this on its own is evicted as soon as written.
   * @default 268_435_456 (256 MiB)
   */
  maxBytes?: number;
  /**
   * Ms between sweeps of expired sessions (the timer never keeps the process alive). Writes also
   * reclaim a few expired sessions each, so memory stays bounded without the timer.
   * @default 10_000
   */
  sweepInterval?: number;
}

const MEMORY_STORE_DEFAULTS = { maxSessions: 100_000, maxBytes: 256 * 1024 * 1024, sweepInterval: 10_000 };
/** Sessions kept decoded for the requests in flight (see `decode`). */
const RECENTLY_DECODED = 64;
/** Expired sessions reclaimed in passing by each write. */
const RECLAIM_PER_WRITE = 4;
/** A Map never gives back the table it grew; rebuild it once it is this much emptier than its peak. */
const SHRINK_RATIO = 4;
const SHRINK_MIN_PEAK = 1_024;

/** What a stored session counts toward `maxBytes`: its key and its text, 2 bytes per UTF-16 unit. */
function storedBytes(key: string, text: string): number {
  return (key.length + text.length) * 2;
}

/**
 * The default store: sessions in this process's memory, bounded and swept, for development and
 * single-instance apps. Operations are synchronous underneath, so each change set applies
 * atomically to the shared record and concurrent requests never lose each other's changes.
 */
export class MemoryStore
  extends SessionStore
  implements
    CountingStore,
    PeekableStore,
    UserIndexStore,
    SharedCacheStore,
    PingableStore,
    OnApplicationShutdown
{
  private readonly maxSessions: number;
  private readonly maxBytes: number;
  /** key -> the session as one JSON string (see memory-session-codec.ts). */
  private sessions = new Map<string, string>();
  /** `storedBytes` summed over `sessions`, kept exact by `write` and `remove`. */
  private bytes = 0;
  private peakSize = 0;
  private readonly expiries = new ExpiryQueue();
  private readonly users = new Map<string, Set<string>>();
  private readonly recent = new Map<string, { text: string; session: StoredSession }>();
  private readonly cache = new Map<string, { value: string; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: MemoryStoreOptions = {}) {
    super();
    const { maxSessions, maxBytes, sweepInterval } = { ...MEMORY_STORE_DEFAULTS, ...options };
    if (!(maxSessions >= 1)) throw new TypeError(`maxSessions must be >= 1, got ${maxSessions}`);
    if (!(maxBytes >= 1)) throw new TypeError(`maxBytes must be >= 1, got ${maxBytes}`);
    if (!(sweepInterval > 0)) throw new TypeError(`sweepInterval must be > 0 ms, got ${sweepInterval}`);
    this.maxSessions = maxSessions;
    this.maxBytes = maxBytes;
    this.sweeper = setInterval(() => this.sweep(Infinity), sweepInterval).unref();
  }

  async load(key: string): Promise<StoredSession | null> {
    return this.live(key) ?? null;
  }

  /**
   * Every session is in this process: `load`'s answer, without the promise. Undefined in a
   * subclass that overrides `load` (to count, log or fail), so its `load` is still what runs.
   */
  peek(key: string): StoredSession | null | undefined {
    if (this.load !== MemoryStore.prototype.load) return undefined;
    return this.live(key) ?? null;
  }

  async apply(
    key: string,
    changes: SessionChanges,
    expiry: SessionExpiry,
    create?: SessionMeta,
    binding?: UserBinding,
  ): Promise<boolean> {
    return this.applyChanges(key, changes, expiry, create, binding);
  }

  /**
   * @internal `ImmediateStore`: every write is in this process, so `apply`'s answer comes without
   * the promise. Undefined in a subclass (or a spy) that replaces `apply`, so its `apply` runs.
   */
  applyNow(key: string, changes: SessionChanges, expiry: SessionExpiry): boolean | undefined {
    if (this.apply !== MemoryStore.prototype.apply) return undefined;
    return this.applyChanges(key, changes, expiry);
  }

  private applyChanges(
    key: string,
    changes: SessionChanges,
    expiry: SessionExpiry,
    create?: SessionMeta,
    binding?: UserBinding,
  ): boolean {
    const existing = this.live(key);
    if (!existing && !create) return false;
    const userId = existing ? undefined : create!.userId;
    // Everything below runs in one synchronous step: the user rules are atomic by construction.
    if (userId !== undefined && binding?.replaces !== undefined) {
      const indexed = this.users.get(userId);
      if (!indexed?.delete(binding.replaces)) return false;
    }
    const base = existing ?? { data: new Map<string, string>(), meta: create! };
    const meta = { ...base.meta, ...expiry };
    this.write(key, meta, applySessionChanges(base.data, changes));
    if (userId !== undefined) {
      this.indexUser(key, userId);
      if (binding?.limit !== undefined) this.keepNewest(userId, binding.limit);
    }
    this.sweep(RECLAIM_PER_WRITE);
    this.evictOverflow();
    return true;
  }

  async touch(key: string, expiry: SessionExpiry): Promise<boolean> {
    const session = this.live(key);
    if (!session) return false;
    this.write(key, { ...session.meta, ...expiry }, session.data);
    this.evictOverflow(); // a new ttl can lengthen the text
    return true;
  }

  async destroy(key: string): Promise<boolean> {
    const text = this.sessions.get(key);
    if (text === undefined) return false;
    this.remove(key, text);
    return memorySessionExpiry(text) > Date.now();
  }

  /** Always answers: the sessions live in this process. */
  async ping(): Promise<void> {}

  async count(): Promise<number> {
    this.sweep(Infinity);
    return this.sessions.size;
  }

  async listByUser(userId: string): Promise<StoredSessionEntry[]> {
    const keys = this.users.get(userId);
    if (!keys) return [];
    const listed: StoredSessionEntry[] = [];
    for (const key of [...keys]) {
      const session = this.live(key);
      if (session) listed.push({ key, meta: session.meta });
    }
    return listed.sort((a, b) => a.meta.createdAt - b.meta.createdAt);
  }

  async destroyByUser(userId: string, exceptKey?: string): Promise<string[]> {
    const destroyed: string[] = [];
    const now = Date.now();
    for (const key of [...(this.users.get(userId) ?? [])]) {
      const text = this.sessions.get(key);
      if (key === exceptKey || text === undefined) continue;
      this.remove(key, text, userId);
      if (memorySessionExpiry(text) > now) destroyed.push(key);
    }
    return destroyed;
  }

  async getCached(name: string): Promise<string | null> {
    const hit = this.cache.get(name);
    if (!hit) return null;
    if (hit.expiresAt > Date.now()) return hit.value;
    this.cache.delete(name);
    return null;
  }

  async setCached(name: string, value: string, ttl: number): Promise<void> {
    this.cache.set(name, { value, expiresAt: Date.now() + ttl });
  }

  async deleteCached(name: string): Promise<void> {
    this.cache.delete(name);
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /** The session, or undefined when absent; an expired one is removed on the way. */
  private live(key: string): StoredSession | undefined {
    const text = this.sessions.get(key);
    if (text === undefined) return undefined;
    const session = this.decode(key, text);
    if (session.meta.expiresAt > Date.now()) return session;
    this.remove(key, text);
    this.notifyExpired(key, session.meta);
    return undefined;
  }

  /**
   * A session decoded from `text`, reused while the stored text is the same one: a request that
   * writes re-reads the session it loaded, and decoding is the costly part of both. Callers never
   * mutate what they get, so sharing it is safe; a few entries cover the requests in flight.
   */
  private decode(key: string, text: string): StoredSession {
    const hit = this.recent.get(key);
    if (hit !== undefined && hit.text === text) return hit.session;
    const session = decodeMemorySession(text);
    if (this.recent.size >= RECENTLY_DECODED) this.recent.delete(this.recent.keys().next().value as string);
    this.recent.set(key, { text, session });
    return session;
  }

  private write(key: string, meta: SessionMeta, data: ReadonlyMap<string, string>): void {
    const text = encodeMemorySession(meta, data);
    // A session read lately is likely read again (its next request): keep what was written
    // decoded in its place. Others (new ones) are not kept: that would only hold them longer.
    const recent = this.recent.get(key);
    if (recent !== undefined) {
      recent.text = text;
      recent.session = { data, meta };
    }
    const previous = this.sessions.get(key);
    this.bytes += storedBytes(key, text) - (previous === undefined ? 0 : storedBytes(key, previous));
    this.sessions.set(key, text);
    if (this.sessions.size > this.peakSize) this.peakSize = this.sessions.size;
    this.expiries.push(meta.expiresAt, key);
  }

  /** Reclaims up to `limit` sessions whose expiry has passed, earliest first. */
  private sweep(limit: number): void {
    const now = Date.now();
    for (let n = 0; n < limit && this.expiries.peekTime() <= now; n++) {
      const time = this.expiries.peekTime();
      const key = this.expiries.pop()!;
      const text = this.sessions.get(key);
      // A touched session left a stale pair behind; only the pair matching its expiry counts.
      if (text !== undefined && memorySessionExpiry(text) === time) this.expire(key, text);
    }
    if (this.expiries.size > 2 * this.sessions.size + 1024) {
      this.expiries.rebuild(this.expiryPairs());
    }
    if (this.cache.size > 0 && limit === Infinity) {
      for (const [name, hit] of this.cache) if (hit.expiresAt <= now) this.cache.delete(name);
    }
  }

  private *expiryPairs(): Iterable<[number, string]> {
    for (const [key, text] of this.sessions) yield [memorySessionExpiry(text), key];
  }

  /** Past `maxSessions` or `maxBytes`, evicts the sessions that would expire first. */
  private evictOverflow(): void {
    while ((this.sessions.size > this.maxSessions || this.bytes > this.maxBytes) && this.expiries.size > 0) {
      const time = this.expiries.peekTime();
      const key = this.expiries.pop()!;
      const text = this.sessions.get(key);
      if (text !== undefined && memorySessionExpiry(text) === time) this.expire(key, text);
    }
  }

  private expire(key: string, text: string): void {
    // Only user-bound sessions need their metadata parsed on the way out (the user index).
    const userId = this.users.size > 0 ? decodeMemorySession(text).meta.userId : undefined;
    this.remove(key, text, userId);
    this.notifyExpired(key, userId === undefined ? undefined : ({ userId } as SessionMeta));
  }

  /** Drops `key`, whose stored text is `text`. */
  private remove(key: string, text: string, userId?: string): void {
    this.sessions.delete(key);
    this.recent.delete(key);
    this.bytes -= storedBytes(key, text);
    if (this.peakSize >= SHRINK_MIN_PEAK && this.sessions.size * SHRINK_RATIO < this.peakSize) {
      this.sessions = new Map(this.sessions);
      this.peakSize = this.sessions.size;
    }
    if (this.users.size === 0) return;
    const owner = userId ?? decodeMemorySession(text).meta.userId;
    if (owner === undefined) return;
    const keys = this.users.get(owner);
    keys?.delete(key);
    if (keys?.size === 0) this.users.delete(owner);
  }

  /** Destroys the user's sessions but the `limit` newest (by createdAt, then key). */
  private keepNewest(userId: string, limit: number): void {
    const keys = this.users.get(userId);
    if (!keys || keys.size <= limit) return;
    const live: [key: string, createdAt: number][] = [];
    for (const key of [...keys]) {
      const session = this.live(key);
      if (session) live.push([key, session.meta.createdAt]);
    }
    live.sort(([ka, a], [kb, b]) => b - a || (kb < ka ? -1 : kb > ka ? 1 : 0));
    for (const [key] of live.slice(limit)) {
      this.remove(key, this.sessions.get(key)!, userId);
      this.notifyEvicted(key, userId);
    }
  }

  private indexUser(key: string, userId: string): void {
    let keys = this.users.get(userId);
    if (!keys) this.users.set(userId, (keys = new Set()));
    keys.add(key);
  }
}

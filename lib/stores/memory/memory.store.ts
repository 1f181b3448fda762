import type { OnApplicationShutdown } from '@nestjs/common';
import { applySessionChanges } from '../../utils/apply-session-changes.util';
import {
  SessionChanges,
  SessionExpiry,
  SessionMeta,
  SessionStore,
  StoredSession,
  StoredSessionEntry,
} from '../session-store';
import { ExpiryQueue } from './expiry-queue';

export interface MemoryStoreOptions {
  /**
   * Most sessions kept; past it the least recently used one is evicted.
   * @default 100_000
   */
  maxSessions?: number;
  /**
   * Ms between sweeps of expired sessions (the timer never keeps the process alive). Writes also
   * reclaim a few expired sessions each, so memory stays bounded without the timer.
   * @default 10_000
   */
  sweepInterval?: number;
}

interface MemoryEntry {
  data: ReadonlyMap<string, string>;
  meta: SessionMeta;
}

const MEMORY_STORE_DEFAULTS = { maxSessions: 100_000, sweepInterval: 10_000 };
/** Expired sessions reclaimed in passing by each write. */
const RECLAIM_PER_WRITE = 4;

/**
 * The default store: sessions in this process's memory, bounded and swept, for development and
 * single-instance apps. Operations are synchronous underneath, so each change set applies
 * atomically to the shared record and concurrent requests never lose each other's changes.
 */
export class MemoryStore extends SessionStore implements OnApplicationShutdown {
  private readonly maxSessions: number;
  /** In least-recently-used order: a read moves a session to the end. */
  private readonly sessions = new Map<string, MemoryEntry>();
  private readonly expiries = new ExpiryQueue();
  private readonly users = new Map<string, Set<string>>();
  private readonly cache = new Map<string, { value: string; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: MemoryStoreOptions = {}) {
    super();
    const { maxSessions, sweepInterval } = { ...MEMORY_STORE_DEFAULTS, ...options };
    if (!(maxSessions >= 1)) throw new TypeError(`maxSessions must be >= 1, got ${maxSessions}`);
    if (!(sweepInterval > 0)) throw new TypeError(`sweepInterval must be > 0 ms, got ${sweepInterval}`);
    this.maxSessions = maxSessions;
    this.sweeper = setInterval(() => this.sweep(Infinity), sweepInterval).unref();
  }

  async load(key: string): Promise<StoredSession | null> {
    const entry = this.live(key);
    if (!entry) return null;
    this.sessions.delete(key);
    this.sessions.set(key, entry);
    return entry;
  }

  async apply(
    key: string,
    changes: SessionChanges,
    expiry: SessionExpiry,
    create?: SessionMeta,
  ): Promise<boolean> {
    const existing = this.live(key);
    if (!existing && !create) return false;
    const base = existing ?? { data: new Map<string, string>(), meta: create! };
    const entry: MemoryEntry = {
      data: applySessionChanges(base.data, changes),
      meta: { ...base.meta, ...expiry },
    };
    this.sessions.delete(key);
    this.sessions.set(key, entry);
    if (!existing) this.indexUser(key, entry.meta.userId);
    this.expiries.push(entry.meta.expiresAt, key);
    this.sweep(RECLAIM_PER_WRITE);
    this.evictOverflow();
    return true;
  }

  async touch(key: string, expiry: SessionExpiry): Promise<boolean> {
    const entry = this.live(key);
    if (!entry) return false;
    entry.meta = { ...entry.meta, ...expiry };
    this.expiries.push(entry.meta.expiresAt, key);
    return true;
  }

  async destroy(key: string): Promise<boolean> {
    const entry = this.sessions.get(key);
    if (!entry) return false;
    this.remove(key, entry);
    return entry.meta.expiresAt > Date.now();
  }

  async count(): Promise<number> {
    this.sweep(Infinity);
    return this.sessions.size;
  }

  async listByUser(userId: string): Promise<StoredSessionEntry[]> {
    const keys = this.users.get(userId);
    if (!keys) return [];
    const listed: StoredSessionEntry[] = [];
    for (const key of keys) {
      const entry = this.live(key);
      if (entry) listed.push({ key, meta: entry.meta });
    }
    return listed.sort((a, b) => a.meta.createdAt - b.meta.createdAt);
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

  /** The entry, or undefined when absent; an expired one is removed on the way. */
  private live(key: string): MemoryEntry | undefined {
    const entry = this.sessions.get(key);
    if (!entry) return undefined;
    if (entry.meta.expiresAt > Date.now()) return entry;
    this.remove(key, entry);
    this.notifyExpired(key, entry.meta);
    return undefined;
  }

  /** Reclaims up to `limit` sessions whose expiry has passed. */
  private sweep(limit: number): void {
    const now = Date.now();
    for (let n = 0; n < limit && this.expiries.peekTime() <= now; n++) {
      const key = this.expiries.pop()!;
      const entry = this.sessions.get(key);
      // A touched session left a stale pair behind; only the pair matching its expiry counts.
      if (entry && entry.meta.expiresAt <= now) {
        this.remove(key, entry);
        this.notifyExpired(key, entry.meta);
      }
    }
    if (this.expiries.size > 2 * this.sessions.size + 1024) {
      this.expiries.rebuild(this.expiryPairs());
    }
    if (this.cache.size > 0 && limit === Infinity) {
      for (const [name, hit] of this.cache) if (hit.expiresAt <= now) this.cache.delete(name);
    }
  }

  private *expiryPairs(): Iterable<[number, string]> {
    for (const [key, entry] of this.sessions) yield [entry.meta.expiresAt, key];
  }

  private evictOverflow(): void {
    while (this.sessions.size > this.maxSessions) {
      const [key, entry] = this.sessions.entries().next().value as [string, MemoryEntry];
      this.remove(key, entry);
      this.notifyExpired(key, entry.meta);
    }
  }

  private remove(key: string, entry: MemoryEntry): void {
    this.sessions.delete(key);
    const userId = entry.meta.userId;
    if (userId === undefined) return;
    const keys = this.users.get(userId);
    keys?.delete(key);
    if (keys?.size === 0) this.users.delete(userId);
  }

  private indexUser(key: string, userId: string | undefined): void {
    if (userId === undefined) return;
    let keys = this.users.get(userId);
    if (!keys) this.users.set(userId, (keys = new Set()));
    keys.add(key);
  }
}

import { LRUCache } from 'lru-cache';
import type { StoredSession } from '../session-store';

/** Bounds of a RedisStore's near-cache (`RedisStoreOptions.nearCache`). */
export interface NearCacheOptions {
  /**
   * Most sessions kept; the least recently used leave first. The cache allocates its slots up
   * front (40 bytes each, counted against `maxBytes`), so keep this near the sessions one process
   * really serves.
   * @default 100000, or fewer for a small `maxBytes` (the slots then take at most 1/8 of it)
   */
  maxEntries?: number;
  /**
   * Most bytes kept, counted as the UTF-8 bytes of each session's keys, JSON values and metadata
   * (not JavaScript characters) plus a fixed overhead per entry. A session larger than this is
   * not cached.
   * @default 33554432 (32 MiB)
   */
  maxBytes?: number;
}

/** What a near-cache has done since the store was made. */
export interface NearCacheStats {
  /** Loads answered from the cache, with no command sent. */
  hits: number;
  /** Loads that went to Redis (not cached, older than the client's last write, or cache off). */
  misses: number;
  /** Entries dropped because Redis said the session changed (or everything was flushed). */
  invalidations: number;
  /** Entries dropped to stay within `maxEntries` / `maxBytes`. */
  evictions: number;
  /** Sessions cached now, and their bytes (as counted against `maxBytes`, beside the slots). */
  entries: number;
  bytes: number;
  /** Whether the cache serves reads now (off while tracking is not armed, e.g. during a reconnect). */
  active: boolean;
}

/** The stats of a store without a near-cache. */
export const NO_NEAR_CACHE_STATS: Readonly<NearCacheStats> = Object.freeze({
  hits: 0,
  misses: 0,
  invalidations: 0,
  evictions: 0,
  entries: 0,
  bytes: 0,
  active: false,
});

/** A cached session and the write counter it was read at. */
export interface CachedSession {
  session: StoredSession;
  version: number;
}

/** An operation in flight on a key; its reply may be cached only if the ticket is still valid. */
export interface CacheTicket {
  readonly key: string;
  readonly epoch: number;
  readonly gen: number;
}

const NEAR_CACHE_DEFAULTS = { maxEntries: 100_000, maxBytes: 32 * 1024 * 1024 };
/** Bytes counted per entry beside its text: the map slots, the numbers, the object headers. */
const ENTRY_OVERHEAD = 320;
/** Bytes lru-cache allocates up front per slot of `maxEntries` (its arrays of keys, values, links, sizes). */
const SLOT_BYTES = 40;

/**
 * The in-process copy of sessions a RedisStore keeps (an `lru-cache` bounded by entries and
 * bytes), and the bookkeeping that keeps it coherent: what is cached was read while tracking was
 * armed, and no reply overtaken by an invalidation is ever cached.
 *
 * - `invalidate(key)`: Redis says the key changed: the entry goes, and any read of the key in
 *   flight is marked so its reply is not cached (the race where an invalidation overtakes the
 *   reply it concerns, which arrives on another connection).
 * - `reset()`: any doubt (a reconnect, a tracking error, a flush): everything goes, and every
 *   read in flight is disowned (the epoch moves on).
 * - While not `active`, nothing is served and nothing is cached.
 */
export class NearCache {
  private readonly lru: LRUCache<string, CachedSession>;
  /** Per key with operations in flight: a counter moved by each invalidation, and how many wait. */
  private readonly inflight = new Map<string, { gen: number; refs: number }>();
  private epoch = 0;
  private on = false;
  private readonly counts = { hits: 0, misses: 0, invalidations: 0, evictions: 0 };

  constructor(options: NearCacheOptions = {}) {
    const maxBytes = options.maxBytes ?? NEAR_CACHE_DEFAULTS.maxBytes;
    // Unless given, the slots take at most an eighth of the bytes.
    const maxEntries =
      options.maxEntries ??
      Math.max(1, Math.min(NEAR_CACHE_DEFAULTS.maxEntries, Math.floor(maxBytes / (SLOT_BYTES * 8))));
    if (!(Number.isInteger(maxEntries) && maxEntries > 0))
      throw new TypeError(`nearCache.maxEntries must be an integer > 0, got ${maxEntries}`);
    if (!(Number.isInteger(maxBytes) && maxBytes > 0))
      throw new TypeError(`nearCache.maxBytes must be an integer > 0 (bytes), got ${maxBytes}`);
    // The slots are allocated up front: they count against maxBytes, the entries get the rest.
    const forEntries = maxBytes - maxEntries * SLOT_BYTES;
    if (forEntries < maxBytes / 4) {
      throw new TypeError(
        `nearCache.maxEntries (${maxEntries}) takes ${maxEntries * SLOT_BYTES} of maxBytes (${maxBytes}) ` +
          'in slots alone: lower maxEntries or raise maxBytes',
      );
    }
    this.lru = new LRUCache<string, CachedSession>({
      max: maxEntries,
      maxSize: forEntries,
      sizeCalculation: (entry, key) => entryBytes(key, entry.session),
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.counts.evictions++;
      },
    });
  }

  get active(): boolean {
    return this.on;
  }

  get stats(): NearCacheStats {
    return { ...this.counts, entries: this.lru.size, bytes: this.lru.calculatedSize, active: this.on };
  }

  /** Serving from now on (tracking is armed); everything before is disowned. */
  activate(): void {
    this.reset();
    this.on = true;
  }

  /** Stops serving and drops everything (tracking is not armed). */
  deactivate(): void {
    this.on = false;
    this.reset();
  }

  /**
   * The cached session under `key` unless it is older than `minVersion` (the client's last
   * write); counts a hit or a miss.
   */
  get(key: string, minVersion = 0): CachedSession | undefined {
    const entry = this.on ? this.lru.get(key) : undefined;
    if (entry === undefined || entry.version < minVersion) {
      this.counts.misses++;
      return undefined;
    }
    this.counts.hits++;
    return entry;
  }

  /** The cached entry without counting a hit (for the store's own bookkeeping). */
  peek(key: string): CachedSession | undefined {
    return this.on ? this.lru.peek(key) : undefined;
  }

  /** Starts an operation on `key` whose reply may be cached; pair with `end`. */
  begin(key: string): CacheTicket {
    let entry = this.inflight.get(key);
    if (!entry) this.inflight.set(key, (entry = { gen: 0, refs: 0 }));
    entry.refs++;
    return { key, epoch: this.on ? this.epoch : -1, gen: entry.gen };
  }

  /** Ends an operation; true when its reply may be cached (nothing invalidated it meanwhile). */
  end(ticket: CacheTicket): boolean {
    const entry = this.inflight.get(ticket.key);
    if (!entry) return false;
    if (--entry.refs === 0) this.inflight.delete(ticket.key);
    return this.on && ticket.epoch === this.epoch && entry.gen === ticket.gen;
  }

  /** Caches `entry` for a ticket still valid (call `end` first and pass its answer). */
  put(key: string, entry: CachedSession): void {
    if (this.on) this.lru.set(key, entry);
  }

  /** Redis says `key` changed. */
  invalidate(key: string): void {
    const pending = this.inflight.get(key);
    if (pending) pending.gen++;
    if (this.lru.delete(key)) this.counts.invalidations++;
  }

  /** This process changed or removed `key` itself (NOLOOP: Redis will not say so). */
  forget(key: string): void {
    const pending = this.inflight.get(key);
    if (pending) pending.gen++;
    this.lru.delete(key);
  }

  /** Drops everything and disowns every operation in flight. */
  reset(): void {
    this.epoch++;
    this.counts.invalidations += this.lru.size;
    this.lru.clear();
  }
}

/** Bytes an entry counts against `maxBytes`: UTF-8 bytes of its texts plus a fixed overhead. */
export function entryBytes(key: string, session: StoredSession): number {
  let bytes = ENTRY_OVERHEAD + Buffer.byteLength(key);
  for (const [name, json] of session.data) bytes += Buffer.byteLength(name) + Buffer.byteLength(json) + 64;
  const { userId, userAgent, ip } = session.meta;
  if (userId !== undefined) bytes += Buffer.byteLength(userId);
  if (userAgent !== undefined) bytes += Buffer.byteLength(userAgent);
  if (ip !== undefined) bytes += Buffer.byteLength(ip);
  return bytes;
}

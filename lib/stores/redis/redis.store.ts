import type { OnApplicationShutdown } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import type {
  CountingStore,
  FreshnessStore,
  PeekableStore,
  PingableStore,
  SessionChanges,
  SessionExpiry,
  SessionMeta,
  SharedCacheStore,
  StoredSession,
  StoredSessionEntry,
  UnreadWriteResult,
  UnreadWriteRules,
  UnreadWriteStore,
  UserBinding,
  UserIndexStore,
} from '../session-store';
import { SessionStore } from '../session-store';
import type { SessionCommands } from './redis-connection';
import { CommandRunner, defineSessionCommands, isWrongType } from './redis-connection';
import {
  CorruptSessionError,
  cacheKey,
  changeArgs,
  createMetaPairs,
  parseVersionedSession,
  sessionKey,
  sessionPattern,
} from './redis-session-layout';
import { ApplyReply, ApplyUnreadReply, DestroyReply, TouchReply } from './redis-scripts';
import { RedisUserIndex } from './redis-user-index';
import type { CacheTicket, NearCacheOptions, NearCacheStats } from './near-cache';
import { NO_NEAR_CACHE_STATS } from './near-cache';
import type { RedisNearCache } from './redis-near-cache';
import { startNearCache } from './redis-near-cache';

export interface RedisStoreOptions {
  /**
   * An ioredis client: `Redis` (standalone, or configured with `sentinels`) or `Cluster`. It stays
   * the caller's: the store never closes it. A `keyPrefix` set on the client is applied before
   * the store's `prefix`.
   */
  client: Redis | Cluster;
  /**
   * Prepended to every key the store writes; give each app sharing a Redis its own.
   * @default 'sess:'
   */
  prefix?: string;
  /**
   * Ms a call waits for the client's first connection (a client still connecting at start-up, or
   * a `lazyConnect` one) before it fails without being sent. This is the only timer the store
   * sets: a command once sent is bounded by the module's `storeTimeout` alone (past it the request
   * answers 503), and while the client is reconnecting or closed calls fail at once. Keep it at
   * most `storeTimeout`, so that no call is sent after its request was answered.
   * @default 1000
   */
  commandTimeout?: number;
  /**
   * A coherent in-process copy of the sessions this process reads, so a cached read sends nothing
   * to Redis (see the README's "Near-cache"). Kept coherent with CLIENT TRACKING (Redis 6+) over a
   * second connection the store opens with `client.duplicate()`. Off on Cluster (logged once).
   * @default undefined (off)
   */
  nearCache?: NearCacheOptions;
}

/** Store options for `RedisStore.connect`, which makes the client itself. */
export type RedisStoreConnectOptions = Omit<RedisStoreOptions, 'client'>;

/** What `RedisStore.connect` connects to: a URL, ioredis options, or a Cluster's nodes. */
export type RedisConnection = string | RedisOptions | { cluster: ClusterNode[]; options?: ClusterOptions };

const REDIS_STORE_DEFAULTS = { prefix: 'sess:', commandTimeout: 1_000 };
/** Keys counted per SCAN call. */
const SCAN_COUNT = 1_000;

/**
 * Sessions in Redis through ioredis: standalone, Sentinel or Cluster.
 *
 * Each session is one hash (see `redis-session-layout.ts`) written by a Lua script, so a save
 * sends only what changed, applied atomically against the stored session in one round trip;
 * `load` is one HGETALL and `touch` one script call. Expiry is Redis's own (PEXPIRE), so expired
 * sessions vanish without a sweep; this store reports no `expired` events (keyspace
 * notifications are off by default and not delivered reliably).
 *
 * @example
 * SessionModule.forRoot({ store: new RedisStore({ client: new Redis(process.env.REDIS_URL) }) })
 */
export class RedisStore
  extends SessionStore
  implements
    CountingStore,
    UserIndexStore,
    SharedCacheStore,
    FreshnessStore,
    PeekableStore,
    PingableStore,
    UnreadWriteStore,
    OnApplicationShutdown
{
  private readonly logger = new Logger('RedisStore');
  private readonly client: SessionCommands;
  private readonly prefix: string;
  private readonly runner: CommandRunner;
  private readonly users: RedisUserIndex;
  /** Set by `connect()`: the store made the client, so it closes it. */
  private ownedClient?: Redis | Cluster;
  private readonly near?: RedisNearCache;

  constructor(options: RedisStoreOptions) {
    super();
    const { client, prefix, commandTimeout, nearCache } = { ...REDIS_STORE_DEFAULTS, ...options };
    if (!client || typeof client.defineCommand !== 'function') {
      throw new TypeError('client must be an ioredis Redis or Cluster instance');
    }
    if (typeof prefix !== 'string') throw new TypeError(`prefix must be a string, got ${typeof prefix}`);
    if (!(commandTimeout > 0)) throw new TypeError(`commandTimeout must be > 0 ms, got ${commandTimeout}`);
    this.client = defineSessionCommands(client);
    this.prefix = prefix;
    this.runner = new CommandRunner(this.client, commandTimeout);
    this.users = new RedisUserIndex(
      this.runner,
      prefix,
      this.logger,
      (key) => this.forget(key),
      (key, userId) => this.notifyEvicted(key, userId),
    );
    if (nearCache !== undefined) {
      this.near = startNearCache(client, this.runner, this.prefix, nearCache, this.logger);
    }
  }

  /**
   * What the near-cache has done (hits, misses, invalidations, evictions) and holds now; all
   * zero, `active: false`, without one.
   */
  get nearCacheStats(): NearCacheStats {
    return this.near?.stats ?? { ...NO_NEAR_CACHE_STATS };
  }

  /**
   * A store with its own connection, closed on application shutdown. The client fails fast: no
   * offline queue, and a command cut off by a dropped connection fails unless the first reconnect
   * succeeds. It has no per-command timeout: the module's `storeTimeout` bounds every call (an
   * ioredis `commandTimeout` given in `RedisOptions` still applies). ioredis is loaded here only,
   * so apps without Redis never need it.
   * @example RedisStore.connect('redis://localhost:6379', { prefix: 'myapp:sess:' })
   */
  static connect(connection: RedisConnection, options: RedisStoreConnectOptions = {}): RedisStore {
    // The one runtime import of ioredis, so memory-only apps need none.
    // eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports
    const ioredis = require('ioredis') as typeof import('ioredis');
    // No auto-pipelining unless the options ask for it: ioredis builds a pipeline object (about
    // 6 µs) for each event-loop tick with commands. Against a local Redis that cost Fastify's
    // write-only and create requests 21% and 14%, and gained Express at most 16%
    // (bench/results/autopipe.md).
    const failFast = { enableOfflineQueue: false, maxRetriesPerRequest: 1 };
    let client: Redis | Cluster;
    if (typeof connection === 'string') {
      client = new ioredis.Redis(connection, failFast);
    } else if ('cluster' in connection) {
      const { redisOptions, ...clusterOptions } = connection.options ?? {};
      client = new ioredis.Cluster(connection.cluster, {
        enableOfflineQueue: false,
        ...clusterOptions,
        redisOptions: { maxRetriesPerRequest: 1, ...redisOptions },
      });
    } else {
      client = new ioredis.Redis({ ...failFast, ...connection });
    }
    const store = new RedisStore({ ...options, client });
    store.ownedClient = client;
    store.watchConnection(client);
    return store;
  }

  /**
   * One HGETALL, or nothing on a near-cache hit. `freshness` is the token of the client's last
   * write (see `freshness`): a cached copy older than it is reloaded.
   */
  async load(key: string, freshness?: string): Promise<StoredSession | null> {
    const near = this.near;
    if (near) {
      const cached = near.lookup(key, freshness);
      if (cached) return cached;
    }
    const ticket = near?.cache.begin(key);
    const hash = sessionKey(this.prefix, key);
    let reply: unknown;
    try {
      reply = await this.runner.run('load', (c) =>
        c.hgetall(hash).catch((err: unknown) => (isWrongType(err) ? WRONG_TYPE : Promise.reject(err))),
      );
    } catch (err) {
      if (ticket) near?.loaded(ticket, null);
      throw err;
    }
    let found: ReturnType<typeof parseVersionedSession>;
    try {
      if (reply === WRONG_TYPE) throw new CorruptSessionError('the key is not a hash');
      found = parseVersionedSession(reply);
    } catch (err) {
      if (ticket) near?.loaded(ticket, null);
      if (!(err instanceof CorruptSessionError)) throw err;
      this.reportCorrupt(key, err.message);
      return null;
    }
    const live = found && found.session.meta.expiresAt > Date.now() ? found : null;
    if (ticket) near?.loaded(ticket, live);
    return live?.session ?? null;
  }

  /**
   * A near-cache hit, at once (no promise): the handler then runs in the request's own turn.
   * Undefined on a miss, without a near-cache, or in a subclass that overrides `load`.
   */
  peek(key: string, freshness?: string): StoredSession | undefined {
    if (!this.near || this.load !== RedisStore.prototype.load) return undefined;
    return this.near.lookup(key, freshness);
  }

  /**
   * The token of this process's last write of `key` (its write counter), once; undefined without
   * a near-cache. The module hands it to the client, which presents it with its next request so
   * that a near-cache anywhere reloads a copy older than that write.
   */
  freshness(key: string): string | undefined {
    return this.near?.freshness(key);
  }

  /** `load`, reloading a cached copy older than the client's last write (`freshness`). */
  loadFresh(key: string, freshness: string): Promise<StoredSession | null> {
    return this.load(key, freshness);
  }

  async apply(
    key: string,
    changes: SessionChanges,
    expiry: SessionExpiry,
    create?: SessionMeta,
    binding?: UserBinding,
  ): Promise<boolean> {
    const { counts, fields } = changeArgs(changes);
    const createPairs = create ? createMetaPairs(create) : [];
    const args = [...expiryArgs(expiry), ...counts, createPairs.length / 2, ...fields, ...createPairs];

    const hash = sessionKey(this.prefix, key);
    const [[reply, version], ticket] = await this.sendWrite(key, (c) => c.nestSessionsApply(hash, ...args));
    if (ticket) this.near?.applied(ticket, reply, Number(version), changes, expiry, create);
    if (reply === ApplyReply.Foreign) this.reportCorrupt(key, 'the key does not hold a session');
    if (reply === ApplyReply.Created && create?.userId !== undefined) {
      return this.users.add(create.userId, key, create.createdAt, () => this.destroy(key), binding);
    }
    return reply === ApplyReply.Applied || reply === ApplyReply.Created;
  }

  /**
   * One script call that checks the session is alive by `rules` and within `rules.maxBytes`, then
   * applies the changes and moves its expiry: a write with no load before it.
   */
  async applyUnread(
    key: string,
    changes: SessionChanges,
    rules: UnreadWriteRules,
  ): Promise<UnreadWriteResult> {
    const { counts, fields } = changeArgs(changes);
    const { now, idleTimeout, absoluteTimeout, maxBytes } = rules;
    const args = [now, idleTimeout, absoluteTimeout, maxBytes, ...counts, ...fields];
    const hash = sessionKey(this.prefix, key);
    const [[result, ...rest], ticket] = await this.sendWrite(key, (c) =>
      c.nestSessionsApplyUnread(hash, ...args),
    );
    if (result !== ApplyUnreadReply.Applied) {
      if (ticket) this.near?.cache.end(ticket);
      if (result === ApplyUnreadReply.TooLarge) return { status: 'too-large', bytes: Number(rest[0]) };
      if (result === ApplyUnreadReply.Foreign) this.reportCorrupt(key, 'the key does not hold a session');
      return { status: 'absent' };
    }
    const [version, createdAt, expiresAt, ttl, userId] = rest;
    const meta: SessionMeta = { createdAt: Number(createdAt), expiresAt: Number(expiresAt), lastSeenAt: now };
    if (ttl != null) meta.ttl = Number(ttl);
    if (userId != null) meta.userId = String(userId);
    // A cached copy one version behind plus these changes is the stored session (see `applied`).
    if (ticket) this.near?.applied(ticket, ApplyReply.Applied, Number(version), changes, meta);
    return { status: 'applied', meta };
  }

  /** One script call; with the near-cache, a cached session's touch is deferred and pipelined. */
  async touch(key: string, expiry: SessionExpiry): Promise<boolean> {
    const hash = sessionKey(this.prefix, key);
    if (this.near?.deferTouch(key, hash, expiryArgs(expiry), expiry)) return true;
    const reply = await this.runner.run('touch', (c) => c.nestSessionsTouch(hash, ...expiryArgs(expiry)));
    if (reply === TouchReply.Foreign) this.reportCorrupt(key, 'the key does not hold a session');
    return reply === TouchReply.Touched;
  }

  async destroy(key: string): Promise<boolean> {
    const hash = sessionKey(this.prefix, key);
    this.forget(key);
    const [reply, userId] = await this.runner.run('destroy', (c) => c.nestSessionsDestroy(hash));
    if (reply === DestroyReply.Foreign) this.reportCorrupt(key, 'the key did not hold a session; deleted it');
    if (reply !== DestroyReply.Destroyed) return false;
    if (userId != null) await this.users.remove(String(userId), key);
    return true;
  }

  /**
   * One PING (to a node of a Cluster), sent under the same rules as every other call: it fails at
   * once while the connection is down or reconnecting. For health checks: never a scan.
   */
  async ping(): Promise<void> {
    await this.runner.run('ping', (c) => c.ping());
  }

  /**
   * Live sessions, by SCAN over the session keys of every master (with `TYPE hash`, so index and
   * cache keys are skipped). Cost: O(all keys in the database) per call, in batches of 1000 keys
   * per round trip, and memory for the keys of one node (to drop SCAN's rare duplicates). Meant
   * for dashboards and admin checks, not per request; no index is kept, so writes pay nothing.
   */
  async count(): Promise<number> {
    const pattern = (this.client.options.keyPrefix ?? '') + sessionPattern(this.prefix);
    const nodes = this.client.isCluster && this.client.nodes ? this.client.nodes('master') : [this.client];
    let total = 0;
    for (const node of nodes) {
      const seen = new Set<string>();
      let cursor = '0';
      do {
        const [next, keys] = await this.runner.run('count', () =>
          node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT, 'TYPE', 'hash'),
        );
        for (const k of keys) seen.add(k);
        cursor = next;
      } while (cursor !== '0');
      total += seen.size;
    }
    return total;
  }

  listByUser(userId: string): Promise<StoredSessionEntry[]> {
    return this.users.list(userId);
  }

  destroyByUser(userId: string, exceptKey?: string): Promise<string[]> {
    return this.users.clear(userId, exceptKey);
  }

  async getCached(name: string): Promise<string | null> {
    const k = cacheKey(this.prefix, name);
    return this.runner.run('getCached', (c) =>
      c.get(k).catch((err: unknown) => (isWrongType(err) ? null : Promise.reject(err))),
    );
  }

  async setCached(name: string, value: string, ttl: number): Promise<void> {
    const k = cacheKey(this.prefix, name);
    await this.runner.run('setCached', (c) => c.set(k, value, 'PX', Math.max(1, Math.ceil(ttl))));
  }

  async deleteCached(name: string): Promise<void> {
    const k = cacheKey(this.prefix, name);
    await this.runner.run('deleteCached', (c) => c.del(k));
  }

  /** Closes the connection `connect()` made; a client passed in is left to its owner. */
  async onApplicationShutdown(): Promise<void> {
    await this.near?.stop();
    const client = this.ownedClient;
    if (!client) return;
    this.ownedClient = undefined;
    try {
      await Promise.race([client.quit(), new Promise((_, reject) => setTimeout(reject, 1_000).unref())]);
    } catch {
      client.disconnect();
    }
  }

  /** Logs the connection's errors (once per outage) so none is left unlistened. */
  private watchConnection(client: Redis | Cluster): void {
    let down = false;
    client.on('error', (err: Error) => {
      if (down) return;
      down = true;
      this.logger.error(`Redis connection error: ${err.message}; calls fail until it is back`);
    });
    client.on('ready', () => {
      if (!down) return;
      down = false;
      this.logger.log('Redis connection is back');
    });
  }

  /**
   * Sends a write script for `key` with a near-cache ticket open on it, which the caller settles
   * from the reply (see `RedisNearCache.applied`). A failed call settles it here: the write may or
   * may not have landed, so the cached copy goes.
   */
  private async sendWrite<R>(
    key: string,
    send: (c: SessionCommands) => Promise<R>,
  ): Promise<[reply: R, ticket: CacheTicket | undefined]> {
    const near = this.near;
    near?.cancelTouch(key);
    const ticket = near?.cache.begin(key);
    try {
      return [await this.runner.run('apply', send), ticket];
    } catch (err) {
      if (ticket) {
        near?.cache.end(ticket);
        near?.cache.forget(key);
      }
      throw err;
    }
  }

  /** This process changes or removes `key` itself: its cached copy goes (NOLOOP tracking). */
  private forget(key: string): void {
    this.near?.cancelTouch(key);
    this.near?.cache.forget(key);
  }

  private reportCorrupt(key: string, reason: string): void {
    this.logger.warn(`Session ${key.slice(0, 8)}… is unreadable and counts as absent: ${reason}`);
  }
}

const WRONG_TYPE = Symbol('WRONGTYPE');

/** PEXPIRE ms (at least 1: a past expiry expires the session now), expiresAt, lastSeenAt, ttl. */
function expiryArgs(expiry: SessionExpiry): (string | number)[] {
  return [
    Math.max(1, Math.ceil(expiry.expiresAt - Date.now())),
    expiry.expiresAt,
    expiry.lastSeenAt,
    expiry.ttl ?? '',
  ];
}

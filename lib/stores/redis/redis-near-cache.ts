import type { Logger } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import { applySessionChanges } from '../apply-session-changes';
import type { SessionChanges, SessionExpiry, SessionMeta, StoredSession } from '../session-store';
import type { CacheTicket, NearCacheOptions, NearCacheStats } from './near-cache';
import { freshnessVersion } from '../freshness-token';
import { NearCache } from './near-cache';
import { NearCacheTracking } from './near-cache-tracking';
import type { CommandRunner } from './redis-connection';
import { sessionKey } from './redis-session-layout';
import { ApplyReply, TouchReply } from './redis-scripts';
import { WriteVersions } from './write-versions';

/** Ms a deferred touch waits, so the touches of many requests leave in one pipeline. */
const TOUCH_BATCH_DELAY = 20;

/**
 * The near-cache side of a RedisStore: which loads are answered in process, what a write's reply
 * makes of the cached copy, touches deferred and pipelined, and the freshness tokens that carry a
 * client's last write to whichever instance serves its next request.
 *
 * Coherence rests on `NearCacheTracking` (invalidations) and on the write counter every applied
 * write raises in the session hash: a write's reply that is exactly one past the cached copy
 * tells that no one wrote in between, so the copy plus this write's changes is the stored state.
 */
export class RedisNearCache {
  readonly cache: NearCache;
  private readonly tracking: NearCacheTracking;
  private readonly touches = new Map<string, { hash: string; args: (string | number)[] }>();
  private touchTimer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  /** This process's latest write of each session, until its response takes it (`freshness`). */
  private readonly written = new WriteVersions();

  constructor(
    client: Redis,
    private readonly runner: CommandRunner,
    storeKeyOf: (name: string) => string | undefined,
    options: NearCacheOptions,
    private readonly logger: Logger,
  ) {
    this.cache = new NearCache(options);
    this.tracking = new NearCacheTracking(client, this.cache, storeKeyOf, logger);
    this.tracking.start();
  }

  get stats(): NearCacheStats {
    return this.cache.stats;
  }

  /** The cached session, unless it is older than the client's `freshness` token or expired. */
  lookup(key: string, freshness?: string): StoredSession | undefined {
    const entry = this.cache.get(key, freshnessVersion(freshness) ?? 0);
    if (!entry) return undefined;
    if (entry.session.meta.expiresAt <= Date.now()) {
      this.cache.forget(key);
      return undefined;
    }
    return entry.session;
  }

  /** A load's reply landed: cache it if nothing invalidated the key meanwhile. */
  loaded(ticket: CacheTicket, found: { session: StoredSession; version: number } | null): void {
    const valid = this.cache.end(ticket);
    if (valid && found && found.version > 0) this.cache.put(ticket.key, found);
  }

  /**
   * A write's reply landed. Created: the session is exactly what was written. Applied: the copy
   * is updated only when the reply's version is one past it (no other write came in between).
   * Anything else drops the copy.
   */
  applied(
    ticket: CacheTicket,
    result: ApplyReply,
    version: number,
    changes: SessionChanges,
    expiry: SessionExpiry,
    create?: SessionMeta,
  ): void {
    const { key } = ticket;
    const valid = this.cache.end(ticket);
    if (version > 0) this.written.remember(key, version);
    let next: StoredSession | undefined;
    if (valid && result === ApplyReply.Created && create) {
      next = { data: applySessionChanges(new Map(), changes), meta: withExpiry(create, expiry) };
    } else if (valid && result === ApplyReply.Applied) {
      const current = this.cache.peek(key);
      if (current && current.version === version - 1) {
        next = {
          data: applySessionChanges(current.session.data, changes),
          meta: withExpiry(current.session.meta, expiry),
        };
      }
    }
    // Increments past 2^53 are written by Lua's number formatting, which may differ from JSON's.
    if (next && [...changes.increment.keys()].every((name) => isExact(next.data.get(name)))) {
      this.cache.put(key, { session: next, version });
    } else {
      this.cache.forget(key);
    }
  }

  /**
   * Defers the touch of a cached session: its copy takes the new expiry now, and the touch leaves
   * with others in one pipeline shortly after. True when deferred; false when the session is not
   * cached (the caller touches it at once).
   */
  deferTouch(key: string, hash: string, args: (string | number)[], expiry: SessionExpiry): boolean {
    const entry = this.cache.peek(key);
    if (!entry) return false;
    this.cache.put(key, {
      session: { ...entry.session, meta: withExpiry(entry.session.meta, expiry) },
      version: entry.version,
    });
    this.touches.set(key, { hash, args });
    this.touchTimer ??= setTimeout(() => void this.flushTouches(), TOUCH_BATCH_DELAY).unref();
    return true;
  }

  /** Drops a deferred touch of `key` (a write or a destroy supersedes it). */
  cancelTouch(key: string): void {
    this.touches.delete(key);
  }

  /** Sends the deferred touches in one pipeline; a session found gone or a failure drops its copy. */
  flushTouches(): Promise<void> {
    clearTimeout(this.touchTimer);
    this.touchTimer = undefined;
    if (this.touches.size === 0) return this.flushing ?? Promise.resolve();
    const batch = [...this.touches];
    this.touches.clear();
    const run = this.runner
      .run('touch (deferred)', (c) => {
        const pipeline = c.pipeline();
        for (const [, { hash, args }] of batch) pipeline.nestSessionsTouch(hash, ...args);
        return pipeline.exec();
      })
      .then((replies) => {
        batch.forEach(([key], i) => {
          const [err, reply] = replies?.[i] ?? [new Error('no reply')];
          if (err || reply !== TouchReply.Touched) this.cache.forget(key);
        });
      })
      .catch((err: Error) => {
        for (const [key] of batch) this.cache.forget(key);
        this.logger.warn(`Deferred session touches failed (${batch.length}): ${err.message}`);
      });
    this.flushing = run;
    return run;
  }

  /**
   * The version of this process's last write of `key`, once, as a token the client carries to
   * its next request (read-your-writes on any instance).
   */
  freshness(key: string): string | undefined {
    const version = this.written.take(key);
    return version === undefined ? undefined : String(version);
  }

  async stop(): Promise<void> {
    await this.flushTouches();
    await this.tracking.stop();
  }
}

/** Starts a store's near-cache on `client`, or says once why not (Cluster: it stays off). */
export function startNearCache(
  client: Redis | Cluster,
  runner: CommandRunner,
  prefix: string,
  options: NearCacheOptions,
  logger: Logger,
): RedisNearCache | undefined {
  if (client.isCluster) {
    logger.warn(
      'nearCache is off: RedisStore keeps no near-cache on Redis Cluster (tracking would need a ' +
        'connection per master, re-armed on every resharding); sessions are read from Redis',
    );
    return undefined;
  }
  // Invalidations name Redis keys: with the client's keyPrefix, then `<prefix>{<store key>}`.
  const namePrefix = (client.options.keyPrefix ?? '') + sessionKey(prefix, '').slice(0, -1);
  const storeKeyOf = (name: string) =>
    name.startsWith(namePrefix) && name.endsWith('}') ? name.slice(namePrefix.length, -1) : undefined;
  return new RedisNearCache(client as Redis, runner, storeKeyOf, options, logger);
}

function withExpiry(meta: SessionMeta, expiry: SessionExpiry): SessionMeta {
  const next = { ...meta, expiresAt: expiry.expiresAt, lastSeenAt: expiry.lastSeenAt };
  if (expiry.ttl !== undefined) next.ttl = expiry.ttl;
  return next;
}

/** A JSON value Lua writes exactly as JavaScript would (anything but a large or fractional number). */
function isExact(json: string | undefined): boolean {
  if (json === undefined) return true;
  const n = Number(json);
  return Number.isSafeInteger(n);
}

import { randomBytes } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { NearCache } from './near-cache';

/** The channel Redis publishes invalidations on for a RESP2 REDIRECT target. */
const INVALIDATE_CHANNEL = '__redis__:invalidate';

/**
 * Keeps a NearCache coherent through Redis's server-assisted client-side caching, in the default
 * (tracking) mode with REDIRECT: the store's own connection, the one that reads sessions, runs
 * `CLIENT TRACKING ON REDIRECT <id> NOLOOP`, and a second connection (made with
 * `client.duplicate`) subscribes to `__redis__:invalidate` and receives, for every key the first
 * one read, one message when another connection changes it.
 *
 * The subscriber speaks RESP2 (`protocol: 2`): ioredis 6 connects with RESP3 by default, and on a
 * RESP3 connection Redis sends invalidations as push messages that ioredis drops without a word
 * (checked against Redis 7.0 and ioredis 6.0: not one message arrives).
 *
 * NOLOOP: the store's own writes do not invalidate its own copy (it updates the copy itself from
 * the write's reply); its scripts read the key back after writing it, which re-arms tracking.
 *
 * Armed means: the subscriber is subscribed, the store connection is ready, and the tracking
 * command naming the subscriber's client id succeeded on it, after checking that this id belongs
 * to our subscriber on the same server (a Sentinel failover can leave the two on different
 * servers for a moment, where an id could name someone else). Anything that casts doubt
 * (either connection closing or reconnecting, a failed arming, a flush message) deactivates the
 * cache, dropping everything; arming again activates it empty.
 */
export class NearCacheTracking {
  private subscriber?: Redis;
  /** Moves on at every disarm, so an arming that started before it is ignored. */
  private generation = 0;
  /** Moves on whenever the subscriber drops, so a subscription under way for it is ignored. */
  private subscriberGeneration = 0;
  /** The subscriber's client id once it is subscribed. */
  private subscribed?: number;
  private closed = false;
  private readonly name = `nest-sessions-nc-${randomBytes(6).toString('hex')}`;

  constructor(
    private readonly client: Redis,
    private readonly cache: NearCache,
    /** The store key of a Redis key name, or undefined for keys that are not sessions of ours. */
    private readonly storeKeyOf: (name: string) => string | undefined,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const { client } = this;
    const subscriber = client.duplicate({
      protocol: 2,
      keyPrefix: '',
      lazyConnect: false,
      autoResubscribe: false,
      enableOfflineQueue: true,
      enableAutoPipelining: false,
      connectionName: this.name,
    });
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined); // the store's client logs outages; closes disarm below
    subscriber.on('messageBuffer', (channel: Buffer, message: unknown) => this.onMessage(channel, message));
    subscriber.on('ready', () => void this.subscribe());
    for (const event of ['close', 'reconnecting', 'end']) {
      subscriber.on(event, () => {
        this.subscriberGeneration++;
        this.subscribed = undefined;
        this.disarm(`the invalidation connection dropped (${event})`);
      });
      client.on(event, () => this.disarm(`the store connection dropped (${event})`));
    }
    client.on('ready', () => void this.arm());
    if (subscriber.status === 'ready') void this.subscribe();
  }

  /** Closes the subscriber; the cache stays off. */
  async stop(): Promise<void> {
    this.closed = true;
    this.disarm();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (!subscriber) return;
    try {
      await Promise.race([subscriber.quit(), new Promise((_, reject) => setTimeout(reject, 1_000).unref())]);
    } catch {
      subscriber.disconnect();
    }
  }

  private async subscribe(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber || this.closed) return;
    const generation = this.subscriberGeneration;
    try {
      const id = Number(await subscriber.client('ID'));
      await subscriber.subscribe(INVALIDATE_CHANNEL);
      if (generation !== this.subscriberGeneration || this.closed) return;
      this.subscribed = id;
      await this.arm();
    } catch (err) {
      this.fail(err);
    }
  }

  private async arm(): Promise<void> {
    const { client } = this;
    const id = this.subscribed;
    if (this.closed || id === undefined || client.status !== 'ready') return;
    const generation = this.generation;
    try {
      // The id must be our subscriber's on the server this connection talks to.
      const listed = String(await client.client('LIST', 'ID', id));
      if (!listed.includes(`name=${this.name}`)) {
        throw new Error('the invalidation connection is on another server (a failover under way?)');
      }
      await client.client('TRACKING', 'ON', 'REDIRECT', id, 'NOLOOP');
    } catch (err) {
      if (generation === this.generation) this.fail(err);
      return;
    }
    if (generation !== this.generation || this.closed) return;
    this.cache.activate();
  }

  private onMessage(channel: Buffer, message: unknown): void {
    if (channel.toString() !== INVALIDATE_CHANNEL) return;
    if (!Array.isArray(message)) {
      // A null list: the server flushed its database (or its tracking table): drop everything.
      this.cache.reset();
      return;
    }
    for (const name of message as Buffer[]) {
      const key = this.storeKeyOf(name.toString());
      if (key !== undefined) this.cache.invalidate(key);
    }
  }

  private disarm(reason?: string): void {
    this.generation++;
    if (this.cache.active && reason && !this.closed) {
      this.logger.warn(`Near-cache flushed and paused: ${reason}; it resumes once tracking is re-armed`);
    }
    this.cache.deactivate();
  }

  private fail(err: unknown): void {
    const reason = err instanceof Error ? err.message : String(err);
    this.disarm();
    if (!this.closed) this.logger.warn(`Near-cache off: arming CLIENT TRACKING failed: ${reason}`);
    // Try again after a while, with whichever connections are there by then.
    setTimeout(() => {
      if (!this.closed && this.subscriber?.status === 'ready') void this.resubscribe();
    }, 1_000).unref();
  }

  /** A fresh subscription (after a failed arming): the subscriber reconnects, which re-subscribes. */
  private async resubscribe(): Promise<void> {
    this.subscriber?.disconnect(true);
  }
}

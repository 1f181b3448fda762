import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changes, describeStoreConformance } from '../../lib/testing';
import { RedisStore } from '../../lib/stores/redis/redis.store';
import type { RedisServerHandle } from '../support/redis-server';
import { startRedisServer, waitUntil } from '../support/redis-server';
import { trackedClients } from '../support/tracked-clients';
import { holdingProxy } from '../support/holding-proxy';
import { monitorRedis } from '../support/redis-monitor';

const storeKey = () => randomBytes(32).toString('base64url');
const expiry = (ms = 60_000) => ({ expiresAt: Date.now() + ms, lastSeenAt: Date.now() });
const meta = (ms = 60_000) => ({ createdAt: Date.now(), expiresAt: Date.now() + ms, lastSeenAt: Date.now() });
const sets = (values: Record<string, unknown>) =>
  changes({ set: new Map(Object.entries(values).map(([k, v]) => [k, JSON.stringify(v)])) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: RedisServerHandle;
const clients = trackedClients();
const connect = (port = server.port) => clients.track(new Redis({ host: server.host, port }));
const stores: RedisStore[] = [];
const nearStore = async (client = connect(), prefix = 'near:') => {
  const store = new RedisStore({ client, prefix, nearCache: { maxEntries: 1_000 } });
  stores.push(store);
  await waitUntil('the near-cache to arm', async () => store.nearCacheStats.active, 10_000, 10);
  return store;
};

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.onApplicationShutdown()));
  await clients.closeAll();
  await server?.stop();
});

describeStoreConformance(
  'RedisStore (near-cache on)',
  async () => ({ store: await nearStore(connect(), 'conformance-near:') }),
  { describe, it },
);

describe('RedisStore near-cache', () => {
  let admin: Redis;
  beforeAll(() => {
    admin = connect();
  });

  it('answers a repeated load from memory, and drops the copy when another client writes', async () => {
    const store = await nearStore();
    const key = storeKey();
    await admin.hset(`near:{${key}}`, 'm:createdAt', Date.now(), 'm:expiresAt', Date.now() + 60_000);
    await admin.hset(`near:{${key}}`, 'm:lastSeenAt', Date.now(), 'm:version', 1, 'd:n', '1');
    const before = store.nearCacheStats;
    expect((await store.load(key))?.data.get('n')).toBe('1');
    expect((await store.load(key))?.data.get('n')).toBe('1');
    expect(store.nearCacheStats.hits - before.hits).toBe(1);
    expect(store.nearCacheStats.misses - before.misses).toBe(1);

    await admin.hset(`near:{${key}}`, 'd:n', '2', 'm:version', 2);
    await waitUntil('the invalidation', async () => (await store.load(key))?.data.get('n') === '2', 5_000, 5);
    expect(store.nearCacheStats.invalidations).toBeGreaterThan(before.invalidations);
  });

  it("hands over a cached session at once (peek), never one older than the client's token", async () => {
    const store = await nearStore();
    const key = storeKey();
    expect(store.peek(key)).toBeUndefined(); // unknown here: only a load can tell
    await store.apply(key, sets({ n: 1 }), expiry(), meta());
    await store.load(key);
    expect(store.peek(key)?.data.get('n')).toBe('1');
    expect(store.peek(key, store.freshness(key) ?? '1')?.data.get('n')).toBe('1');
    // A client that wrote a later version elsewhere: the copy is not served at once.
    expect(store.peek(key, '99')).toBeUndefined();
    await admin.hset(`near:{${key}}`, 'd:n', '2', 'm:version', 5);
    await waitUntil('the invalidation', async () => store.peek(key) === undefined, 5_000, 5);
  });

  it('keeps its own write in the copy (one command), and a touch of a cached session is deferred', async () => {
    const store = await nearStore();
    const other = await nearStore();
    const key = storeKey();
    await store.apply(key, sets({ a: 1 }), expiry(), meta());
    const hits = store.nearCacheStats.hits;
    expect((await store.load(key))?.data.get('a')).toBe('1');
    await store.apply(key, changes({ increment: new Map([['a', 2]]) }), expiry());
    expect((await store.load(key))?.data.get('a')).toBe('3');
    expect(store.nearCacheStats.hits - hits).toBe(2);
    expect(store.freshness(key)).toBe('2');

    // Another instance's write still reaches this copy (the script re-armed tracking).
    expect((await other.load(key))?.data.get('a')).toBe('3');
    await other.apply(key, sets({ a: 10 }), expiry());
    await waitUntil(
      'the invalidation',
      async () => (await store.load(key))?.data.get('a') === '10',
      5_000,
      5,
    );

    const later = { expiresAt: Date.now() + 120_000, lastSeenAt: Date.now() };
    expect(await store.touch(key, later)).toBe(true);
    expect((await store.load(key))?.meta.expiresAt).toBe(later.expiresAt);
    await waitUntil(
      'the deferred touch',
      async () => (await admin.hget(`near:{${key}}`, 'm:expiresAt')) === String(later.expiresAt),
      5_000,
      10,
    );
    expect(await admin.pttl(`near:{${key}}`)).toBeGreaterThan(100_000);
  });

  it('reloads a copy older than the freshness token the client carries', async () => {
    const proxy = await holdingProxy(server.port);
    try {
      const writer = await nearStore();
      const reader = await nearStore(connect(proxy.port));
      const key = storeKey();
      await writer.apply(key, sets({ v: 1 }), expiry(), meta());
      expect(writer.freshness(key)).toBe('1');
      expect((await reader.load(key))?.data.get('v')).toBe('1');
      // The reader's invalidations are held back: its copy is stale, as when a client outruns them.
      proxy.hold(1);
      await writer.apply(key, sets({ v: 2 }), expiry());
      const token = writer.freshness(key)!;
      expect(token).toBe('2');
      expect((await reader.load(key))?.data.get('v')).toBe('1');
      expect((await reader.loadFresh(key, 'garbage'))?.data.get('v')).toBe('1');
      expect((await reader.loadFresh(key, token))?.data.get('v')).toBe('2');
      expect((await reader.loadFresh(key, token))?.data.get('v')).toBe('2');
      proxy.release(1);
    } finally {
      proxy.close();
    }
  });

  it('does not cache a read whose reply was overtaken by an invalidation', async () => {
    const proxy = await holdingProxy(server.port);
    try {
      const store = await nearStore(connect(proxy.port), 'race:');
      const key = storeKey();
      const hash = `race:{${key}}`;
      await admin.hset(hash, 'm:createdAt', Date.now(), 'm:expiresAt', Date.now() + 60_000);
      await admin.hset(hash, 'm:lastSeenAt', Date.now(), 'm:version', 1, 'd:n', '"old"');

      proxy.hold();
      const inFlight = store.load(key);
      // Redis answers the read (the reply waits in the proxy); then another client writes.
      await sleep(50);
      await admin.hset(hash, 'd:n', '"new"', 'm:version', 2);
      await sleep(100); // the invalidation reaches the subscriber (not held) before the reply
      proxy.release();
      expect((await inFlight)?.data.get('n')).toBe('"old"');
      expect((await store.load(key))?.data.get('n')).toBe('"new"');
    } finally {
      proxy.close();
    }
  });

  it('drops everything when either connection reconnects, then re-arms tracking', async () => {
    const client = connect();
    const store = await nearStore(client);
    const key = storeKey();
    await store.apply(key, sets({ n: 1 }), expiry(), meta());
    await store.load(key);
    expect(store.nearCacheStats.entries).toBeGreaterThan(0);

    client.disconnect(true);
    await waitUntil('the cache to pause', async () => !store.nearCacheStats.active, 5_000, 1);
    expect(store.nearCacheStats.entries).toBe(0);
    await waitUntil('tracking to re-arm', async () => store.nearCacheStats.active, 10_000, 10);
    expect((await store.load(key))?.data.get('n')).toBe('1');
    await admin.hset(`near:{${key}}`, 'd:n', '2', 'm:version', 9);
    await waitUntil('the invalidation', async () => (await store.load(key))?.data.get('n') === '2', 5_000, 5);

    // The subscriber killed by the server: same.
    await store.load(key);
    const subscriber = String(await admin.client('LIST'))
      .split('\n')
      .filter((line: string) => line.includes('name=nest-sessions-nc-'))
      .map((line: string) => /id=(\d+)/.exec(line)![1]);
    for (const id of subscriber) await admin.client('KILL', 'ID', id);
    await waitUntil('the cache to pause', async () => store.nearCacheStats.entries === 0, 5_000, 1);
    await waitUntil('tracking to re-arm', async () => store.nearCacheStats.active, 10_000, 10);
    await store.load(key);
    await admin.hset(`near:{${key}}`, 'd:n', '3', 'm:version', 10);
    await waitUntil('the invalidation', async () => (await store.load(key))?.data.get('n') === '3', 5_000, 5);
  });

  it('is on through RedisStore.connect too (its fail-fast client, its own subscriber)', async () => {
    const store = RedisStore.connect(`redis://${server.host}:${server.port}`, {
      prefix: 'near-connect:',
      nearCache: { maxBytes: 1_000_000 },
    });
    stores.push(store);
    await waitUntil('the near-cache to arm', async () => store.nearCacheStats.active, 10_000, 10);
    const key = storeKey();
    await store.apply(key, sets({ a: 1 }), expiry(), meta());
    await store.load(key);
    await store.load(key);
    expect(store.nearCacheStats.hits).toBe(2);
    await admin.hset(`near-connect:{${key}}`, 'd:a', '5', 'm:version', 7);
    await waitUntil('the invalidation', async () => (await store.load(key))?.data.get('a') === '5', 5_000, 5);
  });

  it('sends no command for a cached load (MONITOR)', async () => {
    const client = connect();
    const store = await nearStore(client);
    const key = storeKey();
    await store.apply(key, sets({ a: 1 }), expiry(), meta());
    await store.apply(key, sets({ a: 2 }), expiry());
    const source = `127.0.0.1:${(client as unknown as { stream: { localPort: number } }).stream.localPort}`;
    const seen: string[] = [];
    const monitor = await monitorRedis(admin, (command, src) => {
      if (src === source) seen.push(command);
    });
    for (let i = 0; i < 10; i++) await store.load(key);
    await store.apply(key, sets({ a: 3 }), expiry());
    await client.echo('done');
    await waitUntil('the marker', async () => seen.includes('echo'), 5_000, 5);
    expect(seen).toEqual(['evalsha', 'echo']);
    monitor.disconnect();
  });
});

import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RedisServerHandle } from '../support/redis-server';
import { startRedisServer } from '../support/redis-server';
import { trackedClients } from '../support/tracked-clients';
import { changes, describeStoreConformance } from '../../lib/testing';
import { applySessionChanges } from '../../lib/stores/apply-session-changes';
import { RedisStore } from '../../lib/stores/redis/redis.store';
import { monitorRedis } from '../support/redis-monitor';

const storeKey = () => randomBytes(32).toString('base64url');
const expiry = (ms: number) => ({ expiresAt: Date.now() + ms, lastSeenAt: Date.now() });
const meta = (ms: number, extra = {}) => ({
  createdAt: Date.now(),
  expiresAt: Date.now() + ms,
  lastSeenAt: Date.now(),
  ...extra,
});
const sets = (values: Record<string, unknown>) =>
  changes({ set: new Map(Object.entries(values).map(([k, v]) => [k, JSON.stringify(v)])) });
const decoded = (data: ReadonlyMap<string, string>) =>
  Object.fromEntries([...data].map(([k, v]) => [k, JSON.parse(v)]));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: RedisServerHandle;
const clients = trackedClients();
const connect = (extra = {}) =>
  clients.track(new Redis({ host: server.host, port: server.port, lazyConnect: false, ...extra }));

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await clients.closeAll();
  await server?.stop();
});

describeStoreConformance(
  'RedisStore (standalone)',
  async () => ({
    store: new RedisStore({ client: connect(), prefix: 'conformance:' }),
  }),
  { describe, it },
);

describe('RedisStore', () => {
  let admin: Redis;
  let store: RedisStore;
  beforeAll(() => {
    admin = connect();
    store = new RedisStore({ client: connect(), prefix: 'spec:' });
  });
  afterEach(() => vi.restoreAllMocks());

  it('keeps each session in one hash named by the store key, with prefixed fields', async () => {
    const key = storeKey();
    await store.apply(
      key,
      sets({ cart: ['apple'], 'm:createdAt': 'data, not metadata' }),
      expiry(60_000),
      meta(60_000, { userId: 'u1' }),
    );
    const keys = await admin.keys(`spec:{${key}}*`);
    expect(keys).toEqual([`spec:{${key}}`]);
    const hash = await admin.hgetall(`spec:{${key}}`);
    expect(Object.keys(hash).sort()).toEqual(
      [
        'd:cart',
        'd:m:createdAt',
        'm:createdAt',
        'm:expiresAt',
        'm:lastSeenAt',
        'm:userId',
        'm:version',
      ].sort(),
    );
    expect(await admin.pttl(`spec:{${key}}`)).toBeGreaterThan(59_000);
    // The user index names neither the raw user id nor anything but the store key.
    const [index] = await admin.keys('spec:user:*');
    expect(index).not.toContain('u1');
    expect(await admin.zrange(index, '0', '-1')).toEqual([key]);
    await store.destroy(key);
    expect(await admin.exists(index)).toBe(0);
  });

  it('increments like JavaScript: exact integers, the same doubles, non-numbers as 0', async () => {
    const start: Record<string, unknown> = {
      big: 2 ** 53 - 2,
      f: 0.1,
      neg: -5,
      text: 'x',
      nil: null,
      bool: true,
      quoted: '5',
      arr: [1],
      huge: 1.7e308,
    };
    const deltas: [string, number][] = [
      ['big', 1],
      ['f', 0.2],
      ['neg', 2.5],
      ['text', 3],
      ['nil', 1],
      ['bool', 1],
      ['quoted', 1],
      ['arr', 1],
      ['huge', 1.7e308],
      ['fresh', 1e21],
      ['tiny', 1e-7],
      ['third', 1 / 3],
    ];
    const key = storeKey();
    const initial = sets(start);
    await store.apply(key, initial, expiry(60_000), meta(60_000));
    const step = changes({ increment: new Map(deltas) });
    await store.apply(key, step, expiry(60_000));
    await store.apply(key, step, expiry(60_000));
    const expected = applySessionChanges(
      applySessionChanges(applySessionChanges(new Map(), initial), step),
      step,
    );
    const loaded = (await store.load(key))!.data;
    for (const [name] of deltas) {
      expect([name, JSON.parse(loaded.get(name)!)]).toEqual([name, JSON.parse(expected.get(name)!)]);
    }
    expect(loaded.get('big')).toBe(String(2 ** 53));
    expect(JSON.parse(loaded.get('f')!)).toBe(0.1 + 0.2 + 0.2);
    expect(JSON.parse(loaded.get('tiny')!)).toBe(2e-7);
  });

  it('treats foreign or corrupt values under a session key as no session, and logs it', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const str = storeKey();
    await admin.set(`spec:{${str}}`, 'garbage');
    expect(await store.load(str)).toBeNull();
    expect(await store.apply(str, sets({ a: 1 }), expiry(60_000))).toBe(false);
    expect(await store.touch(str, expiry(60_000))).toBe(false);
    expect(await admin.get(`spec:{${str}}`)).toBe('garbage');

    const list = storeKey();
    await admin.rpush(`spec:{${list}}`, 'a', 'b');
    expect(await store.load(list)).toBeNull();
    expect(await store.destroy(list)).toBe(false);
    expect(await admin.exists(`spec:{${list}}`)).toBe(0);

    const badMeta = storeKey();
    await admin.hset(`spec:{${badMeta}}`, 'm:createdAt', 'yesterday', 'm:expiresAt', '{', 'd:a', '1');
    expect(await store.load(badMeta)).toBeNull();

    const foreignField = storeKey();
    const now = Date.now();
    await admin.hset(
      `spec:{${foreignField}}`,
      'm:createdAt',
      now,
      'm:expiresAt',
      now + 60_000,
      'm:lastSeenAt',
      now,
      'x',
      '1',
    );
    expect(await store.load(foreignField)).toBeNull();

    // A new session may take over a key holding garbage.
    expect(await store.apply(str, sets({ a: 1 }), expiry(60_000), meta(60_000))).toBe(true);
    expect(decoded((await store.load(str))!.data)).toEqual({ a: 1 });
    expect(warn.mock.calls.length).toBeGreaterThanOrEqual(6);
    expect(String(warn.mock.calls[0][0])).toContain('unreadable');
  });

  it('still applies after SCRIPT FLUSH (EVALSHA falls back on NOSCRIPT)', async () => {
    const key = storeKey();
    await store.apply(key, sets({ a: 1 }), expiry(60_000), meta(60_000));
    await admin.script('FLUSH');
    expect(await store.apply(key, sets({ b: 2 }), expiry(60_000))).toBe(true);
    expect(await store.touch(key, expiry(60_000))).toBe(true);
    expect(decoded((await store.load(key))!.data)).toEqual({ a: 1, b: 2 });
  });

  it('costs one command per load, apply and touch (counted with MONITOR)', async () => {
    const client = connect();
    const counted = new RedisStore({ client, prefix: 'spec:' });
    const key = storeKey();
    // Warm-up: ioredis sends a script's first call as EVAL, which also caches it on the server.
    await counted.apply(key, sets({ a: 1 }), expiry(60_000), meta(60_000));
    await counted.apply(storeKey(), sets({}), expiry(60_000), meta(60_000, { userId: 'warm-up' }));
    await counted.touch(key, expiry(60_000));
    await counted.destroy(storeKey());
    await client.ping();
    const source = `127.0.0.1:${(client as unknown as { stream: { localPort: number } }).stream.localPort}`;
    const seen: string[] = [];
    let marker = 0;
    const monitor = await monitorRedis(admin, (command, src) => {
      if (src !== source) return;
      if (command === 'echo') marker++;
      else seen.push(command);
    });
    const measure = async (op: () => Promise<unknown>) => {
      seen.length = 0;
      const before = marker;
      await op();
      await client.echo('done');
      while (marker === before) await sleep(5);
      return [...seen];
    };
    expect(await measure(() => counted.load(key))).toEqual(['hgetall']);
    const delta = changes({
      set: new Map([['b', '2']]),
      delete: new Set(['a']),
      increment: new Map([['n', 1]]),
    });
    expect(await measure(() => counted.apply(key, delta, expiry(60_000)))).toEqual(['evalsha']);
    expect(await measure(() => counted.touch(key, expiry(60_000)))).toEqual(['evalsha']);
    expect(await measure(() => counted.destroy(key))).toEqual(['evalsha']);
    // A session bound to a user also writes (and later leaves) the user's index.
    const bound = storeKey();
    const userId = randomUUID();
    expect(
      await measure(() => counted.apply(bound, sets({}), expiry(60_000), meta(60_000, { userId }))),
    ).toEqual(['evalsha', 'evalsha']);
    expect(await measure(() => counted.destroy(bound))).toEqual(['evalsha', 'zrem']);
    monitor.disconnect();
  });

  it('keeps a user index bounded: 10,000 expired sessions leave only the live ones', async () => {
    const userId = `heavy-${randomUUID()}`;
    const [indexKey] = await (async () => {
      const probe = storeKey();
      await store.apply(probe, sets({}), expiry(60_000), meta(60_000, { userId }));
      return admin.keys('spec:user:*').then(async (all) => {
        for (const k of all) if ((await admin.zscore(k, probe)) !== null) return [k];
        return [''];
      });
    })();
    let largest = 0;
    for (let batch = 0; batch < 100; batch++) {
      await Promise.all(
        Array.from({ length: 100 }, () =>
          store.apply(storeKey(), sets({}), expiry(30), meta(30, { userId })),
        ),
      );
      largest = Math.max(largest, await admin.zcard(indexKey));
    }
    // Live sessions at any moment are a few batches at most; the index stays near that.
    expect(largest).toBeLessThan(2_000);
    await sleep(60);
    const listed = await store.listByUser(userId);
    expect(listed).toHaveLength(1);
    expect(await admin.zcard(indexKey)).toBe(1);
  }, 60_000);

  it('moves the next index prune past twice the live sessions', async () => {
    const userId = `many-${randomUUID()}`;
    const keys = Array.from({ length: 40 }, storeKey);
    for (const k of keys) await store.apply(k, sets({}), expiry(60_000), meta(60_000, { userId }));
    const prune = await admin.keys('spec:user:*:prune');
    const hints = await Promise.all(prune.map((k) => admin.get(k)));
    expect(hints).toContain('64'); // pruned once at 32 live sessions, next at 64
    expect((await store.listByUser(userId)).map((e) => e.key).sort()).toEqual([...keys].sort());
  });

  it('drops a destroyed or re-bound session from its user index', async () => {
    const userId = `u-${randomUUID()}`;
    const a = storeKey();
    const b = storeKey();
    await store.apply(a, sets({}), expiry(60_000), meta(60_000, { userId }));
    await store.apply(b, sets({}), expiry(60_000), meta(60_000, { userId }));
    expect(await store.destroy(a)).toBe(true);
    expect((await store.listByUser(userId)).map((e) => e.key)).toEqual([b]);
    await store.destroy(b);
    expect(await store.listByUser(userId)).toEqual([]);
  });

  it('closes only a connection it opened itself', async () => {
    const own = connect();
    const borrowed = new RedisStore({ client: own });
    await borrowed.onApplicationShutdown();
    expect(await own.ping()).toBe('PONG');

    const owning = RedisStore.connect(`redis://127.0.0.1:${server.port}`, { prefix: 'owned:' });
    const key = storeKey();
    expect(await owning.apply(key, sets({ a: 1 }), expiry(60_000), meta(60_000))).toBe(true);
    expect(decoded((await owning.load(key))!.data)).toEqual({ a: 1 });
    await owning.onApplicationShutdown();
    await expect(owning.load(key)).rejects.toThrow(/^RedisStore load failed: /);
  });

  it('connects without auto-pipelining unless asked (ioredis builds a pipeline per tick: it cost Fastify more than it saved)', async () => {
    const clientOf = (store: RedisStore) => (store as unknown as { ownedClient: Redis }).ownedClient;
    const plain = RedisStore.connect(`redis://127.0.0.1:${server.port}`);
    const optedIn = RedisStore.connect({ host: '127.0.0.1', port: server.port, enableAutoPipelining: true });
    expect(clientOf(plain).options.enableAutoPipelining).toBe(false);
    expect(clientOf(optedIn).options.enableAutoPipelining).toBe(true);
    const key = storeKey();
    expect(await optedIn.apply(key, sets({ a: 1 }), expiry(60_000), meta(60_000))).toBe(true);
    expect(decoded((await plain.load(key))!.data)).toEqual({ a: 1 });
    await Promise.all([plain.onApplicationShutdown(), optedIn.onApplicationShutdown()]);
  });

  it.each([
    ['an auto-pipelined client (scripts sent in pipelines)', { enableAutoPipelining: true }],
    ['a lazyConnect client (connects on the first call)', { lazyConnect: true }],
    ['a RESP3 client with RESP3 reply mapping', { protocol: 3, replyMapping: 'resp3' }],
    ['a client with its own keyPrefix', { keyPrefix: 'app1:' }],
  ])('works with %s', async (_name, options) => {
    const s = new RedisStore({ client: connect(options), prefix: 'variant:' });
    const key = storeKey();
    const userId = randomUUID();
    expect(await s.apply(key, sets({ a: 1 }), expiry(60_000), meta(60_000, { userId }))).toBe(true);
    expect(await s.apply(key, changes({ increment: new Map([['a', 2]]) }), expiry(60_000))).toBe(true);
    const loaded = await s.load(key);
    expect(decoded(loaded!.data)).toEqual({ a: 3 });
    expect(loaded!.meta.userId).toBe(userId);
    expect((await s.listByUser(userId)).map((e) => e.key)).toEqual([key]);
    expect(await s.count()).toBe(1);
    expect(await s.destroy(key)).toBe(true);
    expect(await s.listByUser(userId)).toEqual([]);
  });

  it('sends every call made before the first connection once the client is ready', async () => {
    const s = new RedisStore({ client: connect({ lazyConnect: true }), prefix: 'first:' });
    const keys = Array.from({ length: 20 }, storeKey);
    const applied = await Promise.all(
      keys.map((k) => s.apply(k, sets({ a: 1 }), expiry(60_000), meta(60_000))),
    );
    expect(applied).toEqual(keys.map(() => true));
    expect(await admin.exists(...keys.map((k) => `first:{${k}}`))).toBe(keys.length);
  });

  it('rejects bad options', () => {
    expect(() => new RedisStore({ client: {} as Redis })).toThrow(TypeError);
    expect(() => new RedisStore({ client: admin, commandTimeout: 0 })).toThrow(
      /commandTimeout must be > 0 ms, got 0/,
    );
  });
});

describe('ioredis as an optional peer', () => {
  it('is imported only as types in lib/ (the runtime require sits in RedisStore.connect)', () => {
    const root = join(__dirname, '../../lib');
    const files = (readdirSync(root, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
      .map((f) => join(root, f));
    const valueImports = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => /from 'ioredis'|require\('ioredis'\)/.test(line) && !line.startsWith('import type'))
        .map((line) => `${file}: ${line.trim()}`),
    );
    expect(valueImports).toEqual([
      expect.stringMatching(
        /redis\.store\.ts: const ioredis = require\('ioredis'\) as typeof import\('ioredis'\);$/,
      ),
    ]);
  });
});

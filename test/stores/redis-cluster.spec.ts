import { Logger } from '@nestjs/common';
import { Cluster } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisStore } from '../../lib/stores/redis';
import type { RedisClusterHandle } from '../support/redis-server';
import { startCluster } from '../support/redis-server';
import { trackedClients } from '../support/tracked-clients';
import { changes, describeStoreConformance } from '../../lib/testing';

let cluster: RedisClusterHandle;
const clients = trackedClients();
const connect = () => clients.track(new Cluster(cluster.startupNodes));

beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(async () => {
  await clients.closeAll();
  await cluster?.stop();
});

describeStoreConformance(
  'RedisStore (Cluster)',
  async () => ({
    store: new RedisStore({ client: connect(), prefix: 'conformance:' }),
  }),
  { describe, it },
);

describe('RedisStore on Cluster', () => {
  it('turns the near-cache off with one clear log line, and works without it', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const store = new RedisStore({ client: connect(), prefix: 'near-off:', nearCache: {} });
      expect(
        warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('nearCache is off')),
      ).toHaveLength(1);
      const key = randomBytes(32).toString('base64url');
      const now = Date.now();
      const expiry = { expiresAt: now + 60_000, lastSeenAt: now };
      await store.apply(key, changes({ set: new Map([['a', '1']]) }), expiry, { createdAt: now, ...expiry });
      expect((await store.load(key))?.data.get('a')).toBe('1');
      expect(store.nearCacheStats).toMatchObject({ hits: 0, active: false });
    } finally {
      warn.mockRestore();
    }
  });

  it('spreads sessions over the masters and counts them on all of them', async () => {
    const client = connect();
    const store = new RedisStore({ client, prefix: 'spread:' });
    const now = Date.now();
    const keys = Array.from({ length: 60 }, () => randomBytes(32).toString('base64url'));
    await Promise.all(
      keys.map((key) =>
        store.apply(
          key,
          changes({ set: new Map([['a', '1']]) }),
          { expiresAt: now + 60_000, lastSeenAt: now },
          { createdAt: now, expiresAt: now + 60_000, lastSeenAt: now, userId: 'spread-user' },
        ),
      ),
    );
    const perNode = await Promise.all(cluster.nodes.map((n) => n.command('DBSIZE') as Promise<number>));
    expect(perNode.filter((n) => n > 0).length).toBe(3);
    expect(await store.count()).toBe(60);
    expect((await store.listByUser('spread-user')).map((e) => e.key).sort()).toEqual([...keys].sort());
    await Promise.all(keys.slice(0, 30).map((key) => store.destroy(key)));
    expect(await store.count()).toBe(30);
    expect(await store.listByUser('spread-user')).toHaveLength(30);
  });

  it('connects to a Cluster itself with RedisStore.connect and closes it on shutdown', async () => {
    const store = RedisStore.connect({ cluster: cluster.startupNodes }, { prefix: 'owned:' });
    const key = randomBytes(32).toString('base64url');
    const now = Date.now();
    const expiry = { expiresAt: now + 60_000, lastSeenAt: now };
    expect(
      await store.apply(key, changes({ set: new Map([['a', '1']]) }), expiry, { createdAt: now, ...expiry }),
    ).toBe(true);
    expect((await store.load(key))?.data.get('a')).toBe('1');
    await store.onApplicationShutdown();
    await expect(store.load(key)).rejects.toThrow(/^RedisStore load failed: /);
  });
});

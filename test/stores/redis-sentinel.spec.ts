import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../lib/stores/redis';
import type { SentinelGroup } from '../support/redis-server';
import { startSentinelGroup, waitUntil } from '../support/redis-server';
import { trackedClients } from '../support/tracked-clients';
import { changes, describeStoreConformance } from '../../lib/testing';

let group: SentinelGroup;
const clients = trackedClients();
const viaSentinels = () => clients.track(new Redis({ sentinels: group.sentinels, name: group.masterName }));

beforeAll(async () => {
  group = await startSentinelGroup();
});
afterAll(async () => {
  await clients.closeAll();
  await group?.stop();
});

describeStoreConformance(
  'RedisStore (Sentinel)',
  async () => ({
    store: new RedisStore({ client: viaSentinels(), prefix: 'conformance:' }),
  }),
  { describe, it },
);

describe('RedisStore on Sentinel', () => {
  const expiry = () => ({ expiresAt: Date.now() + 60_000, lastSeenAt: Date.now() });
  const meta = () => ({ createdAt: Date.now(), expiresAt: Date.now() + 60_000, lastSeenAt: Date.now() });

  it('keeps replicated sessions through a failover and writes to the new master', async () => {
    const client = viaSentinels();
    const store = new RedisStore({ client, prefix: 'failover:' });
    const keys = Array.from({ length: 20 }, () => randomBytes(32).toString('base64url'));
    for (const [i, key] of keys.entries()) {
      await store.apply(key, changes({ set: new Map([['i', String(i)]]) }), expiry(), meta());
    }
    expect(await client.wait(1, 2_000)).toBe(1); // every write is on the replica

    const oldMaster = group.master.port;
    await group.master.kill();
    await waitUntil('a new master', async () => (await group.currentMasterPort()) !== oldMaster, 20_000, 100);
    expect(await group.currentMasterPort()).toBe(group.replica.port);

    // Calls fail fast while the client reconnects, then succeed against the promoted replica.
    await waitUntil(
      'the store to write again',
      async () => {
        const probe = randomBytes(32).toString('base64url');
        return store.apply(probe, changes({}), expiry(), meta());
      },
      20_000,
      100,
    );
    for (const [i, key] of keys.entries()) {
      expect((await store.load(key))?.data.get('i')).toBe(String(i));
    }
    expect(await store.apply(keys[0], changes({ increment: new Map([['n', 1]]) }), expiry())).toBe(true);
    expect((await store.load(keys[0]))?.data.get('n')).toBe('1');
  }, 60_000);
});

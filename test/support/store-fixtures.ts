import { Cluster, Redis } from 'ioredis';
import { MemoryStore } from '../../lib';
import type { SessionStore } from '../../lib';
import { RedisStore } from '../../lib/stores/redis';
import { userIndexKeys } from '../../lib/stores/redis/redis-session-layout';
import { startCluster, startRedisServer } from './redis-server';

/** A store for the HTTP suites, with a look into its user index. */
export interface StoreFixture {
  store: SessionStore;
  /** Entries the user index holds for a user, live or not: shows the index does not leak. */
  indexSize(userId: string): Promise<number>;
  close(): Promise<void>;
}

export const memoryFixture = async (): Promise<StoreFixture> => {
  const store = new MemoryStore({ maxSessions: 50_000 });
  const users = (store as unknown as { users: Map<string, Set<string>> }).users;
  return {
    store,
    indexSize: async (userId) => users.get(userId)?.size ?? 0,
    close: async () => store.onApplicationShutdown(),
  };
};

const PREFIX = 'e2e:';

/** A RedisStore on `client`; closing disconnects it and stops its servers. */
function redisStoreFixture(client: Redis | Cluster, stop: () => Promise<void>): StoreFixture {
  client.on('error', () => undefined);
  return {
    store: new RedisStore({ client, prefix: PREFIX }),
    indexSize: (userId) => client.zcard(userIndexKeys(PREFIX, userId)[0]),
    close: async () => {
      client.disconnect();
      await stop();
    },
  };
}

/** A RedisStore on its own redis-server process, stopped by PID on close. */
export const redisFixture = async (): Promise<StoreFixture> => {
  const server = await startRedisServer();
  const client = new Redis({ host: server.host, port: server.port, maxRetriesPerRequest: 1 });
  return redisStoreFixture(client, () => server.stop());
};

/** A RedisStore on a three-master Cluster of its own. */
export const redisClusterFixture = async (): Promise<StoreFixture> => {
  const cluster = await startCluster();
  return redisStoreFixture(new Cluster(cluster.startupNodes), () => cluster.stop());
};

/** Every store the user-session suite runs on. */
export const STORE_FIXTURES: Array<[string, () => Promise<StoreFixture>]> = [
  ['MemoryStore', memoryFixture],
  ['RedisStore (standalone)', redisFixture],
  ['RedisStore (Cluster)', redisClusterFixture],
];

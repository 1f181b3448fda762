import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { FileStore, MemoryStore } from '../../lib';
import { userFile } from '../../lib/stores/file/file-user-index';
import type { SessionModuleOptions, SessionStore } from '../../lib';
import { RedisStore } from '../../lib/stores/redis';
import { userIndexKeys } from '../../lib/stores/redis/redis-session-layout';
import { startCluster, startRedisServer } from './redis-server';
import { startPostgresServer } from './postgres-server';
import { Pool } from 'pg';
import { MySqlStore, PostgresStore } from '../../lib';
import { createPool } from 'mysql2/promise';
import { startMariaDbServer } from './mariadb-server';

/** A store for the HTTP suites, with a look into its user index. */
export interface StoreFixture {
  store: SessionStore;
  /** Entries the user index holds for a user, live or not: shows the index does not leak. */
  indexSize(userId: string): Promise<number>;
  close(): Promise<void>;
  /** Module options the store needs in these suites (merged under each test's own). */
  options?: SessionModuleOptions;
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

/** A FileStore in a temporary directory of its own, removed on close. */
export const fileFixture = async (): Promise<StoreFixture> => {
  const base = mkdtempSync(join(tmpdir(), 'file-store-fixture-'));
  // Without fsync, to keep the suite's time down (10,000 logins); atomicity is the same.
  const store = new FileStore({ dir: join(base, 'sessions'), fsync: false });
  return {
    store,
    // 500 concurrent logins of one user (a test below) queue in libuv's 4 file system threads for
    // longer than the default 1 s on a loaded machine: a test-load artefact, not an outage.
    options: { storeTimeout: 10_000 },
    indexSize: async (userId) => {
      try {
        const index = JSON.parse(readFileSync(join(store.dir, userFile(userId)), 'utf8')) as {
          entries: unknown[];
        };
        return index.entries.length;
      } catch {
        return 0; // no index file: no entry
      }
    },
    close: async () => {
      store.onApplicationShutdown();
      rmSync(base, { recursive: true, force: true });
    },
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

/** A PostgresStore on its own postgres server (initdb in a temporary directory), stopped on close. */
export const postgresFixture = async (): Promise<StoreFixture> => {
  const server = await startPostgresServer();
  const pool = new Pool({ connectionString: server.url, max: 20 });
  pool.on('error', () => undefined);
  // Expired rows leave the table at the sweep: a short interval, so the index tests see it run.
  const store = new PostgresStore({ pool, createTable: true, sweepInterval: 250 });
  return {
    store,
    options: { storeTimeout: 10_000 },
    indexSize: async (userId) => {
      const rows = await server.query<{ n: string }>(
        'SELECT count(*) AS n FROM sessions WHERE user_id = $1',
        [userId],
      );
      return Number(rows[0].n);
    },
    close: async () => {
      await store.onApplicationShutdown();
      await pool.end();
      await server.stop();
    },
  };
};

/** A MySqlStore on its own MariaDB server (mariadb-install-db in a temporary directory). */
export const mysqlFixture = async (): Promise<StoreFixture> => {
  const server = await startMariaDbServer();
  const pool = createPool({ uri: server.url, connectionLimit: 20 });
  const store = new MySqlStore({ pool, createTable: true, sweepInterval: 250 });
  return {
    store,
    options: { storeTimeout: 10_000 },
    indexSize: async (userId) => {
      const rows = await server.query<{ n: number }>('SELECT count(*) AS n FROM sessions WHERE user_id = ?', [
        userId,
      ]);
      return Number(rows[0].n);
    },
    close: async () => {
      await store.onApplicationShutdown();
      await pool.end();
      await server.stop();
    },
  };
};

/** Every store the user-session suite runs on. */
export const STORE_FIXTURES: Array<[string, () => Promise<StoreFixture>]> = [
  ['MemoryStore', memoryFixture],
  ['FileStore', fileFixture],
  ['RedisStore (standalone)', redisFixture],
  ['RedisStore (Cluster)', redisClusterFixture],
  ['PostgresStore', postgresFixture],
  ['MySqlStore (MariaDB)', mysqlFixture],
];

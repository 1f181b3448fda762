import { Pool } from 'pg';
import { PostgresStore } from '../../lib';
import type { PostgresServerHandle } from '../support/postgres-server';
import { startPostgresServer } from '../support/postgres-server';
import { describeSqlStoreE2e } from '../support/sql-e2e';

let server: PostgresServerHandle;
const pools: Pool[] = [];

describeSqlStoreE2e('PostgresStore', {
  start: async () => {
    server = await startPostgresServer();
  },
  stop: () => server?.stop(),
  kill: () => server.kill(),
  restart: () => server.restart(),
  store: (options) => {
    const pool = new Pool({ connectionString: server.url, connectionTimeoutMillis: 1_000 });
    pool.on('error', () => undefined);
    pools.push(pool);
    return new PostgresStore({ pool, ...options });
  },
  query: (sql) => server.query(sql),
  closeAll: async () => {
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  },
});

import { createPool } from 'mysql2/promise';
import type { Pool } from 'mysql2/promise';
import { MySqlStore } from '../../lib';
import type { MariaDbServerHandle } from '../support/mariadb-server';
import { startMariaDbServer } from '../support/mariadb-server';
import { describeSqlStoreE2e } from '../support/sql-e2e';

let server: MariaDbServerHandle;
const pools: Pool[] = [];

describeSqlStoreE2e('MySqlStore (MariaDB)', {
  start: async () => {
    server = await startMariaDbServer();
  },
  stop: () => server?.stop(),
  kill: () => server.kill(),
  restart: () => server.restart(),
  store: (options) => {
    const pool = createPool({ uri: server.url, connectTimeout: 1_000 });
    pools.push(pool);
    return new MySqlStore({ pool, ...options });
  },
  query: (sql) => server.query(sql),
  closeAll: async () => {
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  },
});

import { createPool } from 'mysql2/promise';
import type { Pool } from 'mysql2/promise';
import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { changes, describeStoreConformance } from '../../lib/testing';
import { SessionTableError } from '../../lib/errors/session-table.error';
import { MySqlStore } from '../../lib/stores/mysql/mysql.store';
import {
  MYSQL_PROCEDURE_COMMENT,
  MYSQL_SESSION_TABLE_SQL,
  mysqlSessionStatements,
} from '../../lib/stores/mysql/mysql-schema';
import type { MariaDbServerHandle } from '../support/mariadb-server';
import { startMariaDbServer } from '../support/mariadb-server';
import {
  WEIRD_KEYS,
  countingPool,
  decoded,
  expiry,
  meta,
  sets,
  sleep,
  storeKey,
  startsWithWarning,
  expectLimitKeptUnreported,
  loginTwiceUnderLimit,
} from '../support/sql-fixtures';

let server: MariaDbServerHandle;
const pools: Pool[] = [];
const newPool = () => {
  const pool = createPool({ uri: server.url, connectionLimit: 20 });
  pools.push(pool);
  return pool;
};
const stores: MySqlStore[] = [];
const newStore = (options: Partial<ConstructorParameters<typeof MySqlStore>[0]> = {}) => {
  const store = new MySqlStore({ pool: newPool(), createTable: true, ...options });
  stores.push(store);
  return store;
};

beforeAll(async () => {
  server = await startMariaDbServer();
}, 60_000);
afterAll(async () => {
  await Promise.all(stores.map((s) => s.onApplicationShutdown()));
  await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  await server?.stop();
});

describeStoreConformance(
  'MySqlStore (MariaDB)',
  async () => ({ store: newStore({ table: 'conformance' }) }),
  {
    describe,
    it,
  },
);

describe('MySqlStore', () => {
  it('round-trips keys that break naive quoting or JSON paths, through set, increment and delete', async () => {
    const store = newStore();
    const key = storeKey();
    const values = Object.fromEntries(WEIRD_KEYS.map((k, i) => [k, { i, k }]));
    expect(await store.apply(key, sets(values), expiry(60_000), meta(60_000))).toBe(true);
    expect(decoded((await store.load(key))!.data)).toEqual(values);
    const more = Object.fromEntries(WEIRD_KEYS.map((k) => [`${k}#n`, 1]));
    await store.apply(key, sets(more), expiry(60_000));
    await store.apply(
      key,
      changes({
        increment: new Map(WEIRD_KEYS.map((k) => [`${k}#n`, 2])),
        delete: new Set(WEIRD_KEYS.slice(0, 5)),
        set: new Map([[WEIRD_KEYS[6], '"replaced"']]),
      }),
      expiry(60_000),
    );
    const data = decoded((await store.load(key))!.data);
    for (const [i, k] of WEIRD_KEYS.entries()) {
      expect(data[`${k}#n`], k).toBe(3);
      expect(data[k], k).toEqual(i < 5 ? undefined : i === 6 ? 'replaced' : { i, k });
    }
    const [table] = await server.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_NAME = 'sessions'",
    );
    expect(Number(table.n)).toBe(1); // the table a key names is still there
  });

  it('replaces a set object or array whole, never merging it into the stored one', async () => {
    const store = newStore();
    const key = storeKey();
    await store.apply(key, sets({ o: { a: 1, b: [1, 2] }, n: null }), expiry(60_000), meta(60_000));
    await store.apply(key, sets({ o: { c: null }, n: [null] }), expiry(60_000));
    expect(decoded((await store.load(key))!.data)).toEqual({ o: { c: null }, n: [null] });
  });

  it('loads in one statement and saves in one statement', async () => {
    const { pool, counter } = countingPool(newPool(), ['execute', 'query']);
    const store = newStore({ pool });
    const key = storeKey();
    await store.apply(key, sets({ a: 1 }), expiry(60_000), meta(60_000)); // warms the start-up check
    counter.calls = 0;
    await store.load(key);
    expect(counter.calls).toBe(1);
    counter.calls = 0;
    await store.apply(
      key,
      changes({ set: new Map([['b', '2']]), delete: new Set(['a']), increment: new Map([['n', 1]]) }),
      expiry(60_000),
    );
    expect(counter.calls).toBe(1);
    counter.calls = 0;
    await store.apply(storeKey(), sets({ a: 1 }), expiry(60_000), meta(60_000, { userId: 'rt' }), {
      limit: 2,
    });
    expect(counter.calls).toBe(1);
    counter.calls = 0;
    await store.touch(key, expiry(90_000));
    expect(counter.calls).toBe(1);
    expect(decoded((await store.load(key))!.data)).toEqual({ b: 2, n: 1 });
  });

  it('touch changes the expiry only', async () => {
    const store = newStore();
    const key = storeKey();
    await store.apply(key, sets({ a: 1 }), expiry(60_000), meta(60_000));
    const [before] = await server.query<{ data: string }>('SELECT data FROM sessions WHERE session_key = ?', [
      key,
    ]);
    await store.touch(key, { expiresAt: Date.now() + 120_000, lastSeenAt: Date.now() });
    const [after] = await server.query<{ data: string; expires_at: number }>(
      'SELECT data, expires_at FROM sessions WHERE session_key = ?',
      [key],
    );
    expect(after.data).toEqual(before.data);
    expect(Number(after.expires_at)).toBeGreaterThan(Date.now() + 100_000);
  });

  it('sweeps expired rows in batches and reports them as expired', async () => {
    const store = newStore({ table: 'swept', sweepBatch: 3 });
    const expired: string[] = [];
    store.onExpired((key) => expired.push(key));
    const keys = [storeKey(), storeKey(), storeKey(), storeKey(), storeKey()];
    for (const key of keys) await store.apply(key, sets({ a: 1 }), expiry(200), meta(200));
    const live = storeKey();
    await store.apply(live, sets({ a: 1 }), expiry(60_000), meta(60_000));
    await sleep(400);
    expect(await store.load(keys[0])).toBeNull(); // never returned, swept or not
    expect(await store.sweep()).toBe(5);
    expect(expired.sort()).toEqual([...keys].sort());
    const left = await server.query<{ session_key: string }>('SELECT session_key FROM swept');
    expect(left.map((r) => r.session_key)).toEqual([live]);
  });

  it('creates its table idempotently, and exports the SQL it runs', async () => {
    const a = newStore({ table: 'twice' });
    const b = newStore({ table: 'twice' });
    await Promise.all([a.onModuleInit(), b.onModuleInit(), a.onModuleInit()]);
    await newStore({ table: 'twice' }).onModuleInit();
    for (const sql of mysqlSessionStatements('sessions')) expect(MYSQL_SESSION_TABLE_SQL).toContain(sql);
    expect(MYSQL_SESSION_TABLE_SQL).toContain('DELIMITER //');
  });

  it('fails at start-up with a clear error when the table is missing or has the wrong shape', async () => {
    const missing = newStore({ table: 'nope', createTable: false });
    await expect(missing.onModuleInit()).rejects.toThrow(
      /table sessions_test\.nope does not exist.*createTable: true/,
    );
    await server.query(
      'CREATE TABLE wrong (session_key VARCHAR(255) PRIMARY KEY, data INT, created_at BIGINT)',
    );
    const wrong = newStore({ table: 'wrong', createTable: false });
    const err = await wrong.onModuleInit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionTableError);
    expect((err as Error).message).toMatch(/wrong\.data is int, not json/);
    expect((err as Error).message).toMatch(/has no column expires_at/);
    // Later calls fail with the same error at once, sending nothing.
    await expect(wrong.load(storeKey())).rejects.toBe(err);
  });

  /**
   * The table's login procedure as an earlier version made it: no eviction report, no revision.
   * Returns the CREATE statement of that earlier version.
   */
  async function withLoginBeforeReports(table: string): Promise<string> {
    const login = mysqlSessionStatements(table).find((sql) => sql.includes(`${table}_login`))!;
    const older = login
      .replace(/ *-- The live sessions the limit destroys[^\n]*\n[^;]*FOR UPDATE;\n/, '')
      .replace(/COMMENT '[^']*'\n/, '');
    expect(older).not.toContain('AS evicted');
    expect(older).not.toContain('COMMENT');
    await newStore({ table }).onModuleInit();
    await server.query(`DROP PROCEDURE ${table}_login`);
    await server.query(older);
    return older;
  }

  /** The COMMENT of a procedure, one per procedure of that name (none when it does not exist). */
  const revisionOf = async (procedure: string) =>
    (
      await server.query<{ c: string }>(
        'SELECT ROUTINE_COMMENT AS c FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_NAME = ?',
        [procedure],
      )
    ).map((row) => row.c);

  it('keeps a limit under a login procedure from before eviction reports, with a warning', async () => {
    await withLoginBeforeReports('before_reports');
    const store = newStore({ table: 'before_reports', createTable: false });
    await startsWithWarning(store, /before_reports_login was made by an earlier version.*createTable: true/);
    await expectLimitKeptUnreported(store);
    expect(await revisionOf('before_reports_login')).toEqual(['']);
  });

  it('replaces a procedure of an earlier version under createTable, also from instances starting at once', async () => {
    await withLoginBeforeReports('upgraded');
    // One instance's check may run between another's DROP and CREATE: it must not find it missing.
    const [store, other, ...more] = Array.from({ length: 4 }, () => newStore({ table: 'upgraded' }));
    await Promise.all([store, other, ...more].map((instance) => instance.onModuleInit()));
    expect(await revisionOf('upgraded_login')).toEqual([MYSQL_PROCEDURE_COMMENT]);
    expect(await revisionOf('upgraded_destroy_user')).toEqual([MYSQL_PROCEDURE_COMMENT]);
    // The replaced login names what the limit ends, also for a login another instance made.
    const { older, reported } = await loginTwiceUnderLimit(other, store, 'u-upgraded');
    expect(reported).toEqual([older]);
  });

  it('replaces it again when an instance of the earlier version creates its own between the DROP and the CREATE', async () => {
    const older = await withLoginBeforeReports('interleaved');
    // The earlier version's start lands right after this store's DROP: its CREATE then finds the
    // procedure there, and would keep the earlier body.
    let interleaved = false;
    const pool = newPool();
    const dropped = new Proxy(pool, {
      get(target, name) {
        const value = Reflect.get(target, name, target) as unknown;
        if (name !== 'query') return typeof value === 'function' ? value.bind(target) : value;
        return async (sql: string, values?: Parameters<Pool['query']>[1]) => {
          const result = await target.query(sql, values);
          if (!interleaved && sql.startsWith('DROP PROCEDURE IF EXISTS `interleaved_login`')) {
            interleaved = true;
            await server.query(older);
          }
          return result;
        };
      },
    });
    const store = newStore({ table: 'interleaved', pool: dropped });
    await store.onModuleInit();
    expect(interleaved).toBe(true);
    expect(await revisionOf('interleaved_login')).toEqual([MYSQL_PROCEDURE_COMMENT]);
    const { older: first, reported } = await loginTwiceUnderLimit(store, store, 'u-interleaved');
    expect(reported).toEqual([first]);
  });

  it('leaves a procedure of a later revision alone (a newer version of the app made it, mid-deploy)', async () => {
    await newStore({ table: 'later' }).onModuleInit();
    await server.query("ALTER PROCEDURE later_login COMMENT 'nest-sessions procedure revision 99'");
    const log = vi.spyOn(Logger.prototype, 'log');
    const warn = vi.spyOn(Logger.prototype, 'warn');
    try {
      await newStore({ table: 'later' }).onModuleInit();
      await newStore({ table: 'later', createTable: false }).onModuleInit();
      expect([...log.mock.calls, ...warn.mock.calls].flat().join('\n')).not.toMatch(/later_login/);
    } finally {
      log.mockRestore();
      warn.mockRestore();
    }
    expect(await revisionOf('later_login')).toEqual(['nest-sessions procedure revision 99']);
  });

  it('keeps a procedure of an earlier version it may not replace (no ALTER ROUTINE), with a warning', async () => {
    await withLoginBeforeReports('no_alter');
    // Not the procedure's creator, so no automatic ALTER ROUTINE on it: its DROP is refused.
    await server.query("CREATE USER 'no_alter'@'%' IDENTIFIED BY 'pw'");
    await server.query(
      "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, EXECUTE, CREATE ROUTINE ON sessions_test.* TO 'no_alter'@'%'",
    );
    const pool = createPool({ uri: server.url.replace('//root@', '//no_alter:pw@') });
    pools.push(pool);
    const store = new MySqlStore({ pool, table: 'no_alter', createTable: true });
    stores.push(store);
    await startsWithWarning(store, /Could not replace procedure sessions_test\.no_alter_login: .*denied/);
    await expectLimitKeptUnreported(store);
    expect(await revisionOf('no_alter_login')).toEqual(['']);
  });

  it('gives the script for the mysql client a DROP before each procedure, so it can run again', () => {
    for (const name of ['sessions_login', 'sessions_destroy_user']) {
      expect(MYSQL_SESSION_TABLE_SQL).toContain(
        `DROP PROCEDURE IF EXISTS \`${name}\`;\nDELIMITER //\nCREATE PROCEDURE \`${name}\``,
      );
    }
  });

  it('validates the table name as an identifier', () => {
    expect(() => newStore({ table: 'x`; DROP TABLE y; --' })).toThrow(/table must be a SQL identifier/);
  });

  it('reports a table dropped after start-up as a SessionTableError', async () => {
    const store = newStore({ table: 'dropped' });
    await store.onModuleInit();
    await server.query('DROP TABLE dropped');
    await expect(store.load(storeKey())).rejects.toBeInstanceOf(SessionTableError);
  });

  it('pings with SELECT 1', async () => {
    await expect(newStore().ping()).resolves.toBeUndefined();
  });

  it('connect() owns its pool and ends it on shutdown', async () => {
    const store = MySqlStore.connect(server.url, { createTable: true, table: 'owned' });
    const key = storeKey();
    await store.apply(key, sets({ a: 1 }), expiry(60_000), meta(60_000));
    expect(decoded((await store.load(key))!.data)).toEqual({ a: 1 });
    await store.onApplicationShutdown();
    await expect(store.load(key)).rejects.toThrow();
  });
});

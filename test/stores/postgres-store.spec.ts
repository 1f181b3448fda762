import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changes, describeStoreConformance } from '../../lib/testing';
import { SessionTableError } from '../../lib/errors/session-table.error';
import { PostgresStore } from '../../lib/stores/postgres/postgres.store';
import { POSTGRES_SESSION_TABLE_SQL, postgresSessionSql } from '../../lib/stores/postgres/postgres-schema';
import type { PostgresServerHandle } from '../support/postgres-server';
import { startPostgresServer } from '../support/postgres-server';
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
} from '../support/sql-fixtures';

let server: PostgresServerHandle;
const pools: Pool[] = [];
const newPool = () => {
  const pool = new Pool({ connectionString: server.url, max: 20 });
  pool.on('error', () => undefined);
  pools.push(pool);
  return pool;
};
const stores: PostgresStore[] = [];
const newStore = (options: Partial<ConstructorParameters<typeof PostgresStore>[0]> = {}) => {
  const store = new PostgresStore({ pool: newPool(), createTable: true, ...options });
  stores.push(store);
  return store;
};

beforeAll(async () => {
  server = await startPostgresServer();
}, 60_000);
afterAll(async () => {
  await Promise.all(stores.map((s) => s.onApplicationShutdown()));
  await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  await server?.stop();
});

describeStoreConformance('PostgresStore', async () => ({ store: newStore({ table: 'conformance' }) }), {
  describe,
  it,
});

describe('PostgresStore', () => {
  it('round-trips keys that break naive quoting, through set, increment and delete', async () => {
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
      }),
      expiry(60_000),
    );
    const data = decoded((await store.load(key))!.data);
    for (const [i, k] of WEIRD_KEYS.entries()) {
      expect(data[`${k}#n`], k).toBe(3);
      expect(data[k], k).toEqual(i < 5 ? undefined : { i, k });
    }
    const [table] = await server.query<{ t: string | null }>(
      "SELECT to_regclass('public.sessions')::text AS t",
    );
    expect(table.t).toBe('sessions'); // the table a key names is still there
  });

  it('loads in one statement and saves in one statement', async () => {
    const { pool, counter } = countingPool(newPool(), ['query']);
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
    const before = await server.query<{ data: unknown }>('SELECT data FROM sessions WHERE session_key = $1', [
      key,
    ]);
    await store.touch(key, { expiresAt: Date.now() + 120_000, lastSeenAt: Date.now() });
    const after = await server.query<{ data: unknown; expires_at: string }>(
      'SELECT data, expires_at FROM sessions WHERE session_key = $1',
      [key],
    );
    expect(after[0].data).toEqual(before[0].data);
    expect(Number(after[0].expires_at)).toBeGreaterThan(Date.now() + 100_000);
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
    expect(POSTGRES_SESSION_TABLE_SQL).toBe(postgresSessionSql({ table: 'sessions', schema: 'public' }));
    expect(POSTGRES_SESSION_TABLE_SQL).toContain('data         jsonb NOT NULL');
  });

  it('fails at start-up with a clear error when the table is missing or has the wrong shape', async () => {
    const missing = newStore({ table: 'nope', createTable: false });
    await expect(missing.onModuleInit()).rejects.toThrow(
      /table public\.nope does not exist.*createTable: true/,
    );
    await server.query('CREATE TABLE wrong (session_key text PRIMARY KEY, data text, created_at bigint)');
    const wrong = newStore({ table: 'wrong', createTable: false });
    const err = await wrong.onModuleInit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionTableError);
    expect((err as Error).message).toMatch(/public\.wrong\.data is text, not jsonb/);
    expect((err as Error).message).toMatch(/has no column expires_at/);
    // Later calls fail with the same error at once, sending nothing.
    await expect(wrong.load(storeKey())).rejects.toBe(err);
  });

  it('keeps a limit on a schema from before _apply_user, with a warning that it names no eviction', async () => {
    const prepared = newStore({ table: 'before_reports' });
    await prepared.onModuleInit();
    await server.query('DROP FUNCTION public.before_reports_apply_user');
    const store = newStore({ table: 'before_reports', createTable: false });
    await startsWithWarning(store, /before_reports_apply_user does not exist/);
    await expectLimitKeptUnreported(store);
  });

  it('validates table and schema names as identifiers', () => {
    expect(() => newStore({ table: 'x"; DROP TABLE y; --' })).toThrow(/table must be a SQL identifier/);
    expect(() => newStore({ schema: 'a.b' })).toThrow(/schema must be a SQL identifier/);
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
    const store = PostgresStore.connect(server.url, { createTable: true, table: 'owned' });
    const key = storeKey();
    await store.apply(key, sets({ a: 1 }), expiry(60_000), meta(60_000));
    expect(decoded((await store.load(key))!.data)).toEqual({ a: 1 });
    await store.onApplicationShutdown();
    await expect(store.load(key)).rejects.toThrow();
  });
});

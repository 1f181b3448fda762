import { Logger } from '@nestjs/common';
import type { Pool, PoolConfig, QueryResultRow } from 'pg';
import { SessionTableError } from '../../errors/session-table.error';
import type {
  CountingStore,
  SessionChanges,
  SessionExpiry,
  SessionMeta,
  SharedCacheStore,
  StoredSession,
  StoredSessionEntry,
  UserBinding,
  UserIndexStore,
} from '../session-store';
import type { SessionRow } from '../sql/sql-session-row';
import { createdData, jsonObject, rowMeta } from '../sql/sql-session-row';
import { SqlSessionStore } from '../sql/sql-session-store';
import type { PostgresObjects, PostgresSchemaNames } from './postgres-schema';
import { POSTGRES_EXPECTED_COLUMNS, postgresObjects, postgresSessionSql } from './postgres-schema';

/** What the store needs of a pool: `pg`'s Pool (or anything with its `query`). */
export type PostgresQueryable = Pick<Pool, 'query'>;

export interface PostgresStoreOptions extends PostgresSchemaNames {
  /** A `pg` Pool. It stays the caller's: the store never ends it. */
  pool: PostgresQueryable;
  /**
   * Create the tables and functions at start-up when missing (idempotent); otherwise they must
   * exist (see `postgresSessionSql()`), and a missing or wrong one fails the start.
   * @default false
   */
  createTable?: boolean;
  /**
   * Ms between sweeps of expired rows (the timer never keeps the process alive). Expired rows
   * are never returned before then.
   * @default 60_000
   */
  sweepInterval?: number;
  /**
   * Most rows one sweep statement deletes; a sweep runs batches while they come back full.
   * @default 1000
   */
  sweepBatch?: number;
}

/** Store options for `PostgresStore.connect`, which makes the pool itself. */
export type PostgresStoreConnectOptions = Omit<PostgresStoreOptions, 'pool'> & {
  /** Passed to `pg`'s Pool, beside the connection string. */
  poolConfig?: Omit<PoolConfig, 'connectionString'>;
};

const POSTGRES_STORE_DEFAULTS = { createTable: false, sweepInterval: 60_000, sweepBatch: 1_000 };
const META_SELECT = 'created_at, expires_at, last_seen_at, ttl, user_id, user_agent, ip';
/** SQLSTATEs that mean the table or a function is not what the store expects. */
const SCHEMA_ERRORS = new Set(['42P01', '42703', '42883', '42804', '3F000', '42P13']);

/**
 * Sessions in PostgreSQL through `pg`: one row per session, its values in a JSONB column.
 *
 * A save is one call of a plpgsql function (one round trip) that changes only the keys the
 * request changed, atomically against the stored row; a load is one SELECT, a touch one UPDATE of
 * the expiry columns. Sessions created for a user are filed under a per-user advisory lock, so
 * `maxSessionsPerUser`, regenerations and `destroyByUser` stay exact under concurrent logins.
 * Expired rows are never returned and are deleted by a sweep, which reports them as `expired`.
 *
 * @example
 * SessionModule.forRoot({ store: new PostgresStore({ pool: new Pool({ connectionString }), createTable: true }) })
 */
export class PostgresStore
  extends SqlSessionStore<PostgresQueryable>
  implements CountingStore, UserIndexStore, SharedCacheStore
{
  private readonly objects: PostgresObjects;
  private readonly createTable: boolean;
  /** Whether the schema has `_apply_user` (checked at start-up), which names what a limit destroyed. */
  private reportsEvictions = false;

  constructor(options: PostgresStoreOptions) {
    const { pool, createTable, sweepInterval, sweepBatch, table, schema } = {
      ...POSTGRES_STORE_DEFAULTS,
      ...options,
    };
    if (!pool || typeof pool.query !== 'function') throw new TypeError('pool must be a pg Pool');
    const objects = postgresObjects({ table, schema });
    super(new Logger('PostgresStore'), pool, { sweepInterval, sweepBatch });
    this.objects = objects;
    this.createTable = createTable;
  }

  /**
   * A store with its own `pg` Pool, ended on application shutdown. `pg` is loaded here only, so
   * apps without PostgreSQL never need it.
   * @example PostgresStore.connect('postgres://app@db/app', { createTable: true })
   */
  static connect(url: string, options: PostgresStoreConnectOptions = {}): PostgresStore {
    // The one runtime import of pg, so apps without PostgreSQL need none.
    // eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports
    const pg = require('pg') as typeof import('pg');
    const { poolConfig, ...storeOptions } = options;
    const pool = new pg.Pool({ connectionTimeoutMillis: 2_000, ...poolConfig, connectionString: url });
    const store = new PostgresStore({ ...storeOptions, pool });
    store.ownedPool = pool;
    // An idle client's error (the server went away) is emitted by the pool; unheard, it would end
    // the process. The pool drops that client and connects anew on the next query.
    pool.on('error', (err) => store.logger.warn(`Idle connection lost: ${err.message}`));
    return store;
  }

  async load(key: string): Promise<StoredSession | null> {
    const { rows } = await this.run<SessionRow>(
      `SELECT data::text AS data, ${META_SELECT} FROM ${this.objects.sessions}
       WHERE session_key = $1 AND expires_at > $2`,
      [key, Date.now()],
    );
    return this.sessionOf(key, rows);
  }

  async apply(
    key: string,
    changes: SessionChanges,
    expiry: SessionExpiry,
    create?: SessionMeta,
    binding?: UserBinding,
  ): Promise<boolean> {
    const params = [
      key,
      Date.now(),
      changes.clear,
      [...changes.delete],
      jsonObject(changes.set),
      [...changes.increment.keys()],
      [...changes.increment.values()],
      expiry.expiresAt,
      expiry.lastSeenAt,
      expiry.ttl ?? create?.ttl ?? null,
      create !== undefined,
      create ? createdData(changes) : null,
      create?.createdAt ?? null,
      create?.userId ?? null,
      create?.userAgent ?? null,
      create?.ip ?? null,
      create?.userId !== undefined ? (binding?.replaces ?? null) : null,
      create?.userId !== undefined ? (binding?.limit ?? null) : null,
    ];
    // A user's session created under a limit; the start-up check tells whether the schema has `_apply_user`.
    const limitedUser = binding?.limit !== undefined ? create?.userId : undefined;
    if (limitedUser !== undefined) await this.startup.ensure();
    if (limitedUser !== undefined && this.reportsEvictions) {
      const { rows } = await this.run<{ evicted: string[] | null }>(
        `SELECT ${this.objects.applyUser}(${APPLY_PLACEHOLDERS}) AS evicted`,
        params,
      );
      const evicted = rows[0]?.evicted;
      if (!evicted) return false;
      for (const evictedKey of evicted) this.notifyEvicted(evictedKey, limitedUser);
      return true;
    }
    const { rows } = await this.run<{ applied: boolean }>(
      `SELECT ${this.objects.apply}(${APPLY_PLACEHOLDERS}) AS applied`,
      params,
    );
    return rows[0]?.applied === true;
  }

  async touch(key: string, expiry: SessionExpiry): Promise<boolean> {
    const { rowCount } = await this.run(
      `UPDATE ${this.objects.sessions} SET expires_at = $2, last_seen_at = $3, ttl = COALESCE($4, ttl)
       WHERE session_key = $1 AND expires_at > $5`,
      [key, expiry.expiresAt, expiry.lastSeenAt, expiry.ttl ?? null, Date.now()],
    );
    return rowCount === 1;
  }

  async destroy(key: string): Promise<boolean> {
    const { rows } = await this.run<{ expires_at: string }>(
      `DELETE FROM ${this.objects.sessions} WHERE session_key = $1 RETURNING expires_at`,
      [key],
    );
    return rows.length === 1 && Number(rows[0].expires_at) > Date.now();
  }

  /** Live sessions, counted over the expiry index. */
  async count(): Promise<number> {
    const { rows } = await this.run<{ n: string }>(
      `SELECT count(*) AS n FROM ${this.objects.sessions} WHERE expires_at > $1`,
      [Date.now()],
    );
    return Number(rows[0].n);
  }

  async listByUser(userId: string): Promise<StoredSessionEntry[]> {
    const { rows } = await this.run<SessionRow & { session_key: string }>(
      `SELECT session_key, ${META_SELECT} FROM ${this.objects.sessions}
       WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at, session_key COLLATE "C"`,
      [userId, Date.now()],
    );
    return rows.map((row) => ({ key: row.session_key, meta: rowMeta(row) }));
  }

  async destroyByUser(userId: string, exceptKey?: string): Promise<string[]> {
    const { rows } = await this.run<{ key: string }>(
      `SELECT ${this.objects.destroyUser}($1, $2, $3) AS key`,
      [userId, exceptKey ?? null, Date.now()],
    );
    return rows.map((row) => row.key);
  }

  async getCached(name: string): Promise<string | null> {
    const { rows } = await this.run<{ value: string }>(
      `SELECT value FROM ${this.objects.cache} WHERE name = $1 AND expires_at > $2`,
      [name, Date.now()],
    );
    return rows[0]?.value ?? null;
  }

  async setCached(name: string, value: string, ttl: number): Promise<void> {
    await this.run(
      `INSERT INTO ${this.objects.cache} (name, value, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
      [name, value, Date.now() + Math.max(1, Math.ceil(ttl))],
    );
  }

  async deleteCached(name: string): Promise<void> {
    await this.run(`DELETE FROM ${this.objects.cache} WHERE name = $1`, [name]);
  }

  /** One batch of the sweep: expired sessions (reported as expired), then expired cache rows. */
  protected async sweepBatchOnce(): Promise<number> {
    const now = Date.now();
    const { rows } = await this.run<SessionRow & { session_key: string }>(
      `DELETE FROM ${this.objects.sessions} WHERE session_key IN (
         SELECT session_key FROM ${this.objects.sessions} WHERE expires_at <= $1
         ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       AND expires_at <= $1 RETURNING session_key, ${META_SELECT}`,
      [now, this.sweepBatch],
    );
    for (const row of rows) this.notifyExpired(row.session_key, rowMeta(row));
    const cache = await this.run(
      `DELETE FROM ${this.objects.cache} WHERE name IN (
         SELECT name FROM ${this.objects.cache} WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [now, this.sweepBatch],
    );
    return Math.max(rows.length, cache.rowCount ?? 0);
  }

  /** One statement, after the start-up check; a schema error becomes a clear SessionTableError. */
  private async run<R extends object = Record<string, unknown>>(
    sql: string,
    params: unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }> {
    await this.startup.ensure();
    try {
      return await this.pool.query<R & QueryResultRow>(sql, params);
    } catch (err) {
      throw this.startup.schemaError(err, isSchemaError, TABLE_HINT);
    }
  }

  protected async prepare(): Promise<void> {
    const { schema, table } = this.objects;
    // One implicit transaction: the lock keeps instances starting together from racing on the DDL.
    if (this.createTable) {
      await this.pool.query(
        `SELECT pg_advisory_xact_lock(hashtext('nest-sessions:ddl'));\n${postgresSessionSql({ schema, table })}`,
      );
    }
    const { rows } = await this.pool.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = $1 AND table_name = ANY($2)`,
      [schema, [table, `${table}_cache`]],
    );
    const problems: string[] = [];
    for (const [which, columns] of Object.entries(POSTGRES_EXPECTED_COLUMNS)) {
      const name = which === 'sessions' ? table : `${table}_cache`;
      const found = new Map(
        rows.filter((r) => r.table_name === name).map((r) => [r.column_name, r.data_type]),
      );
      if (found.size === 0) {
        problems.push(`table ${schema}.${name} does not exist`);
        continue;
      }
      for (const [column, types] of Object.entries(columns)) {
        const type = found.get(column);
        if (type === undefined) problems.push(`${schema}.${name} has no column ${column}`);
        else if (!types.includes(type))
          problems.push(`${schema}.${name}.${column} is ${type}, not ${types[0]}`);
      }
    }
    const { rows: functions } = await this.pool.query<{ proname: string }>(
      `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = $1 AND p.proname = ANY($2)`,
      [schema, [`${table}_apply`, `${table}_apply_user`, `${table}_destroy_user`]],
    );
    for (const fn of [`${table}_apply`, `${table}_destroy_user`]) {
      if (!functions.some((f) => f.proname === fn)) problems.push(`function ${schema}.${fn} does not exist`);
    }
    // A schema from before `_apply_user`: limits still hold (in `_apply`), unreported.
    this.reportsEvictions = functions.some((f) => f.proname === `${table}_apply_user`);
    if (!this.reportsEvictions && problems.length === 0) {
      this.logger.warn(
        `function ${schema}.${table}_apply_user does not exist: sessions a user's limit removes are not ` +
          `published as destroyed. ${TABLE_HINT}`,
      );
    }
    if (problems.length > 0) {
      throw new SessionTableError(
        `PostgresStore cannot use its table: ${problems.join('; ')}. ${TABLE_HINT}`,
      );
    }
  }
}

/** `$1, ..., $18`: the arguments of `_apply` and `_apply_user`. */
const APPLY_PLACEHOLDERS = Array.from({ length: 18 }, (_, i) => `$${i + 1}`).join(', ');

const TABLE_HINT =
  'Pass createTable: true, or run the SQL of postgresSessionSql({ table, schema }) (POSTGRES_SESSION_TABLE_SQL for public.sessions)';

function isSchemaError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && SCHEMA_ERRORS.has(code);
}

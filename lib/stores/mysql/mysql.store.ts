import { Logger } from '@nestjs/common';
import type { Pool, PoolOptions } from 'mysql2/promise';
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
import { createdData, rowMeta } from '../sql/sql-session-row';
import { SqlSessionStore } from '../sql/sql-session-store';
import type { MySqlObjects, MySqlProcedure } from './mysql-schema';
import {
  MYSQL_EXPECTED_COLUMNS,
  MYSQL_PROCEDURE_REVISION,
  mysqlObjects,
  mysqlProcedures,
  mysqlSessionStatements,
  procedureRevision,
} from './mysql-schema';
import type { Statement } from './mysql-statements';
import { updateStatement, upsertStatement } from './mysql-statements';

/** What the store needs of a pool: `mysql2/promise`'s Pool (`execute` and `query`). */
export type MySqlQueryable = Pick<Pool, 'execute' | 'query'>;

export interface MySqlStoreOptions {
  /**
   * A `mysql2` pool with a database selected: `mysql2/promise`'s, or a callback pool (its
   * `.promise()` is used). It stays the caller's: the store never ends it.
   */
  pool: MySqlQueryable | { promise(): MySqlQueryable };
  /** @default 'sessions' */
  table?: string;
  /**
   * Create the tables and procedures at start-up when missing (idempotent); otherwise they must
   * exist (see `mysqlSessionStatements()`), and a missing or wrong one fails the start.
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

/** Store options for `MySqlStore.connect`, which makes the pool itself. */
export type MySqlStoreConnectOptions = Omit<MySqlStoreOptions, 'pool'> & {
  /** Passed to `mysql2`'s createPool, beside the URL. */
  poolConfig?: Omit<PoolOptions, 'uri'>;
};

const MYSQL_STORE_DEFAULTS = {
  table: 'sessions',
  createTable: false,
  sweepInterval: 60_000,
  sweepBatch: 1_000,
};
/** How many times a start puts its procedure in place before it leaves an earlier one (see `install`). */
const INSTALL_ATTEMPTS = 3;
const META_SELECT = 'created_at, expires_at, last_seen_at, ttl, user_id, user_agent, ip';
/** Errors that mean the table or a procedure is not what the store expects. */
const SCHEMA_ERRORS = new Set([
  'ER_NO_SUCH_TABLE',
  'ER_BAD_FIELD_ERROR',
  'ER_SP_DOES_NOT_EXIST',
  'ER_SP_WRONG_NO_OF_ARGS',
  'ER_NO_DB_ERROR',
  'ER_BAD_DB_ERROR',
]);
const TABLE_HINT =
  'Pass createTable: true, or run the statements of mysqlSessionStatements(table) (MYSQL_SESSION_TABLE_SQL for `sessions`)';

/** A row of the login procedure's result sets: a session its limit destroyed, or the outcome. */
interface LoginRow {
  evicted?: string;
  applied?: number;
}

interface Header {
  affectedRows: number;
}

/**
 * Sessions in MySQL 8 or MariaDB 10.11+ through `mysql2`: one row per session, its values in a
 * JSON column.
 *
 * A save is one statement (one round trip) that changes only the keys the request changed
 * (JSON_REMOVE / JSON_SET on the stored document, increments added by the server), atomically
 * against the stored row; a load is one SELECT, a touch one UPDATE of the expiry columns. A
 * session created for a user goes through a procedure holding a per-user lock, so
 * `maxSessionsPerUser`, regenerations and `destroyByUser` stay exact under concurrent logins.
 * Expired rows are never returned and are deleted by a sweep, which reports them as `expired`.
 *
 * @example
 * SessionModule.forRoot({ store: new MySqlStore({ pool: mysql.createPool(url), createTable: true }) })
 */
export class MySqlStore
  extends SqlSessionStore<MySqlQueryable>
  implements CountingStore, UserIndexStore, SharedCacheStore
{
  private readonly objects: MySqlObjects;
  private readonly createTable: boolean;

  constructor(options: MySqlStoreOptions) {
    const { pool, table, createTable, sweepInterval, sweepBatch } = { ...MYSQL_STORE_DEFAULTS, ...options };
    const promisePool =
      pool && 'promise' in pool && typeof pool.promise === 'function' ? pool.promise() : pool;
    if (!promisePool || typeof (promisePool as MySqlQueryable).execute !== 'function') {
      throw new TypeError('pool must be a mysql2 Pool');
    }
    const objects = mysqlObjects(table);
    super(new Logger('MySqlStore'), promisePool as MySqlQueryable, { sweepInterval, sweepBatch });
    this.objects = objects;
    this.createTable = createTable;
  }

  /**
   * A store with its own `mysql2` pool (the URL names the database), ended on application
   * shutdown. `mysql2` is loaded here only, so apps without MySQL never need it.
   * @example MySqlStore.connect('mysql://app:secret@db/app', { createTable: true })
   */
  static connect(url: string, options: MySqlStoreConnectOptions = {}): MySqlStore {
    // The one runtime import of mysql2, so apps without MySQL need none.
    // eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports
    const mysql = require('mysql2/promise') as typeof import('mysql2/promise');
    const { poolConfig, ...storeOptions } = options;
    const pool = mysql.createPool({ connectTimeout: 2_000, ...poolConfig, uri: url });
    const store = new MySqlStore({ ...storeOptions, pool });
    store.ownedPool = pool;
    return store;
  }

  async load(key: string): Promise<StoredSession | null> {
    const rows = await this.select<SessionRow>(
      `SELECT data, ${META_SELECT} FROM ${this.objects.sessions} WHERE session_key = ? AND expires_at > ?`,
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
    const now = Date.now();
    const { sessions } = this.objects;
    if (!create) return (await this.write(updateStatement(sessions, key, changes, expiry, now))) > 0;
    // Only the user rules need the procedure and its per-user lock: a plain user-bound creation
    // racing destroyByUser is simply a session created after it.
    if (create.userId === undefined || (binding?.replaces === undefined && binding?.limit === undefined)) {
      await this.write(upsertStatement(sessions, key, changes, expiry, create, now));
      return true;
    }
    // Its result sets: the live sessions the limit destroyed (when it destroyed any), then `applied`.
    const [sets] = await this.run<(LoginRow[] | Header)[]>({
      sql: `CALL ${this.objects.login}(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      params: [
        key,
        createdData(changes),
        create.createdAt,
        expiry.expiresAt,
        expiry.lastSeenAt,
        expiry.ttl ?? create.ttl ?? null,
        create.userId,
        create.userAgent ?? null,
        create.ip ?? null,
        binding?.replaces ?? null,
        binding?.limit ?? null,
        now,
      ],
    });
    const rows = sets.filter((set): set is LoginRow[] => Array.isArray(set)).flat();
    const applied = rows.some((row) => Number(row.applied) === 1);
    if (applied) {
      for (const row of rows)
        if (typeof row.evicted === 'string') this.notifyEvicted(row.evicted, create.userId);
    }
    return applied;
  }

  async touch(key: string, expiry: SessionExpiry): Promise<boolean> {
    const changed = await this.write({
      sql: `UPDATE ${this.objects.sessions} SET last_seen_at = ?, ttl = COALESCE(?, ttl), expires_at = ?
        WHERE session_key = ? AND expires_at > ?`,
      params: [expiry.lastSeenAt, expiry.ttl ?? null, expiry.expiresAt, key, Date.now()],
    });
    return changed > 0;
  }

  /** Deletes a live session; an expired one is left to the sweep (it counts as gone already). */
  async destroy(key: string): Promise<boolean> {
    const deleted = await this.write({
      sql: `DELETE FROM ${this.objects.sessions} WHERE session_key = ? AND expires_at > ?`,
      params: [key, Date.now()],
    });
    return deleted > 0;
  }

  /** Live sessions, counted over the expiry index. */
  async count(): Promise<number> {
    const rows = await this.select<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM ${this.objects.sessions} WHERE expires_at > ?`,
      [Date.now()],
    );
    return Number(rows[0].n);
  }

  async listByUser(userId: string): Promise<StoredSessionEntry[]> {
    const rows = await this.select<SessionRow & { session_key: string }>(
      `SELECT session_key, ${META_SELECT} FROM ${this.objects.sessions}
       WHERE user_id = ? AND expires_at > ? ORDER BY created_at, session_key`,
      [userId, Date.now()],
    );
    return rows.map((row) => ({ key: row.session_key, meta: rowMeta(row) }));
  }

  async destroyByUser(userId: string, exceptKey?: string): Promise<string[]> {
    const [[sets]] = await this.run<[{ session_key: string }[], Header]>({
      sql: `CALL ${this.objects.destroyUser}(?, ?, ?)`,
      params: [userId, exceptKey ?? null, Date.now()],
    });
    return sets.map((row) => row.session_key);
  }

  async getCached(name: string): Promise<string | null> {
    const rows = await this.select<{ value: string }>(
      `SELECT value FROM ${this.objects.cache} WHERE name = ? AND expires_at > ?`,
      [name, Date.now()],
    );
    return rows[0]?.value ?? null;
  }

  async setCached(name: string, value: string, ttl: number): Promise<void> {
    await this.write({
      sql: `INSERT INTO ${this.objects.cache} (name, value, expires_at) VALUES (?, ?, ?)
        ON DUPLICATE KEY UPDATE value = VALUES(value), expires_at = VALUES(expires_at)`,
      params: [name, value, Date.now() + Math.max(1, Math.ceil(ttl))],
    });
  }

  async deleteCached(name: string): Promise<void> {
    await this.write({ sql: `DELETE FROM ${this.objects.cache} WHERE name = ?`, params: [name] });
  }

  /**
   * One batch of the sweep. MySQL has no DELETE … RETURNING: the batch's expired keys are read
   * first, deleted while still expired, and only those actually deleted are reported.
   */
  protected async sweepBatchOnce(): Promise<number> {
    const now = Date.now();
    const { sessions, cache } = this.objects;
    // `query`, not `execute`: LIMIT takes no bound DOUBLE, and the IN list varies in length.
    const [found] = await this.runQuery<(SessionRow & { session_key: string })[]>(
      `SELECT session_key, ${META_SELECT} FROM ${sessions} WHERE expires_at <= ? ORDER BY expires_at LIMIT ?`,
      [now, this.sweepBatch],
    );
    let reported = found;
    if (found.length > 0) {
      const keys = found.map((row) => row.session_key);
      const [deleted] = await this.runQuery<Header>(
        `DELETE FROM ${sessions} WHERE session_key IN (?) AND expires_at <= ?`,
        [keys, now],
      );
      if (deleted.affectedRows < keys.length) {
        // Some were touched meanwhile: report only the rows that are gone.
        const [left] = await this.runQuery<{ session_key: string }[]>(
          `SELECT session_key FROM ${sessions} WHERE session_key IN (?)`,
          [keys],
        );
        const kept = new Set(left.map((row) => row.session_key));
        reported = found.filter((row) => !kept.has(row.session_key));
      }
    }
    for (const row of reported) this.notifyExpired(row.session_key, rowMeta(row));
    const [cached] = await this.runQuery<Header>(`DELETE FROM ${cache} WHERE expires_at <= ? LIMIT ?`, [
      now,
      this.sweepBatch,
    ]);
    return Math.max(found.length, cached.affectedRows);
  }

  private async select<R>(sql: string, params: unknown[]): Promise<R[]> {
    const [rows] = await this.run<R[]>({ sql, params });
    return rows;
  }

  /** Affected rows of a write. */
  private async write(statement: Statement): Promise<number> {
    const [header] = await this.run<Header>(statement);
    return header.affectedRows;
  }

  /** One prepared statement, after the start-up check; a schema error becomes a SessionTableError. */
  private async run<R>({ sql, params }: Statement): Promise<[R, unknown]> {
    await this.startup.ensure();
    try {
      return (await this.pool.execute(sql, params as never)) as unknown as [R, unknown];
    } catch (err) {
      throw this.startup.schemaError(err, isSchemaError, TABLE_HINT);
    }
  }

  private async runQuery<R>(sql: string, params: unknown[]): Promise<[R, unknown]> {
    await this.startup.ensure();
    try {
      return (await this.pool.query(sql, params)) as unknown as [R, unknown];
    } catch (err) {
      throw this.startup.schemaError(err, isSchemaError, TABLE_HINT);
    }
  }

  protected async prepare(): Promise<void> {
    const { createTable } = this;
    const { table } = this.objects;
    const [[db]] = (await this.pool.query('SELECT DATABASE() AS name')) as unknown as [
      { name: string | null }[],
    ];
    if (!db?.name)
      throw new SessionTableError('MySqlStore needs a pool with a database selected (name it in the URL)');
    if (createTable) for (const sql of mysqlSessionStatements(table)) await this.createIgnoringExisting(sql);
    const [columns] = (await this.pool.query(
      `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, DATA_TYPE AS type FROM information_schema.COLUMNS
       WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?, ?)`,
      [table, `${table}_cache`],
    )) as unknown as [{ t: string; c: string; type: string }[]];
    const problems: string[] = [];
    for (const [which, expected] of Object.entries(MYSQL_EXPECTED_COLUMNS)) {
      const name = which === 'sessions' ? table : `${table}_cache`;
      const found = new Map(columns.filter((r) => r.t === name).map((r) => [r.c, r.type.toLowerCase()]));
      if (found.size === 0) {
        problems.push(`table ${db.name}.${name} does not exist`);
        continue;
      }
      for (const [column, types] of Object.entries(expected)) {
        const type = found.get(column);
        if (type === undefined) problems.push(`${name} has no column ${column}`);
        else if (!types.includes(type)) problems.push(`${name}.${column} is ${type}, not ${types[0]}`);
      }
    }
    const procedures = mysqlProcedures(table);
    const revisions = await this.revisionsOf(procedures.map((procedure) => procedure.name));
    for (const procedure of procedures) {
      const revision = revisions.get(procedure.name);
      if (revision !== undefined && revision >= MYSQL_PROCEDURE_REVISION) continue;
      if (revision !== undefined) await this.outdated(db.name, procedure, createTable);
      else if (!createTable) problems.push(`procedure ${db.name}.${procedure.name} does not exist`);
      // Created above, so dropped since by another instance replacing it: it creates it again too.
      else if (!(await this.install(procedure, false))) this.keptEarlier(db.name, procedure.name);
    }
    if (problems.length > 0) {
      throw new SessionTableError(`MySqlStore cannot use its table: ${problems.join('; ')}. ${TABLE_HINT}`);
    }
  }

  /** Runs a CREATE statement; a procedure that exists already (made by another instance) is kept. */
  private async createIgnoringExisting(sql: string): Promise<void> {
    await this.pool.query(sql).catch((err: { code?: string }) => {
      if (err?.code !== 'ER_SP_ALREADY_EXISTS') throw err;
    });
  }

  /**
   * A procedure of an earlier revision (it may, for one, name none of the sessions a user's limit
   * ends): replaced with `createTable`, which owns the schema, else kept with a warning. The
   * replacement is a DROP and a CREATE: another instance's call in between fails as a store
   * error does, once. A failed replacement (no ALTER ROUTINE privilege) is logged, not fatal.
   */
  private async outdated(db: string, procedure: MySqlProcedure, replace: boolean): Promise<void> {
    const proc = procedure.name;
    const quoted = `\`${proc}\``;
    if (!replace) {
      this.logger.warn(
        `procedure ${db}.${proc} was made by an earlier version of nest-sessions (a login from before ` +
          `eviction reports does not name the sessions a limit ends): restart once with createTable: ` +
          `true to replace it, or run DROP PROCEDURE ${quoted} and its statement from mysqlSessionStatements()`,
      );
      return;
    }
    try {
      if (!(await this.install(procedure, true))) return this.keptEarlier(db, proc);
      this.logger.log(`Replaced procedure ${db}.${proc}, made by an earlier version of nest-sessions`);
    } catch (err) {
      this.logger.warn(`Could not replace procedure ${db}.${proc}: ${(err as Error).message}`);
    }
  }

  /**
   * Puts this revision of `procedure` in place (after a DROP when `drop`) and reads back what is
   * there: an instance of an earlier version starting meanwhile may have created its own body
   * between the DROP and the CREATE (which then finds it and keeps it), or one replacing it too
   * may have dropped it again. Then it tries again, a few times. False if an earlier one stays.
   */
  private async install(procedure: MySqlProcedure, drop: boolean): Promise<boolean> {
    for (let attempt = 0; attempt < INSTALL_ATTEMPTS; attempt++) {
      if (drop) await this.pool.query(`DROP PROCEDURE IF EXISTS \`${procedure.name}\``);
      await this.createIgnoringExisting(procedure.sql);
      const revision = (await this.revisionsOf([procedure.name])).get(procedure.name);
      if (revision !== undefined && revision >= MYSQL_PROCEDURE_REVISION) return true;
      drop = revision !== undefined;
    }
    return false;
  }

  /** The revisions of the named procedures in place (1 for one without our comment); absent ones are left out. */
  private async revisionsOf(names: string[]): Promise<Map<string, number>> {
    const [rows] = (await this.pool.query(
      `SELECT ROUTINE_NAME AS name, ROUTINE_COMMENT AS comment FROM information_schema.ROUTINES
       WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_NAME IN (?)`,
      [names],
    )) as unknown as [{ name: string; comment: string | null }[]];
    return new Map(rows.map((row) => [row.name, procedureRevision(row.comment)]));
  }

  /** `install` gave up: an earlier body stays, and works, but a limit then names no evicted sessions. */
  private keptEarlier(db: string, name: string): void {
    this.logger.warn(
      `Could not replace procedure ${db}.${name}: instances of an earlier version of nest-sessions kept ` +
        'creating theirs while it was replaced; it stays until the next start with createTable: true',
    );
  }
}

function isSchemaError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && SCHEMA_ERRORS.has(code);
}

import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import expressMySqlSession from 'express-mysql-session';
import { createPool } from 'mysql2/promise';
import { Pool } from 'pg';
import { MySqlStore, PostgresStore } from '../../lib';
import { createWith as createExpressSession } from './express-session.setup';
import { createWith as createFastifySession } from './fastify-session.setup';
import { createNestSessionsWith as createNestSessions } from './nest-sessions.setup';

/**
 * The SQL setups: nest-sessions' PostgresStore and MySqlStore, and the established
 * express-session stores for the same databases (connect-pg-simple, express-mysql-session) under
 * express-session and under @fastify/session (which takes express-session stores). The runner
 * starts the databases and passes their URLs in BENCH_POSTGRES_URL and BENCH_MYSQL_URL.
 */

type Adapter = 'express' | 'fastify';

function url(name: 'BENCH_POSTGRES_URL' | 'BENCH_MYSQL_URL'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the bench runner starts the database`);
  return value;
}

/** nest-sessions with PostgresStore (its own pg Pool, default size 10), on `adapter`. */
export function createNestSessionsPostgres(adapter: Adapter) {
  return () =>
    createNestSessions(
      adapter,
      PostgresStore.connect(url('BENCH_POSTGRES_URL'), { createTable: true, table: `ns_${adapter}` }),
    );
}

/** nest-sessions with MySqlStore (its own mysql2 pool, default size 10), on `adapter`. */
export function createNestSessionsMySql(adapter: Adapter) {
  return () =>
    createNestSessions(
      adapter,
      MySqlStore.connect(url('BENCH_MYSQL_URL'), { createTable: true, table: `ns_${adapter}` }),
    );
}

/**
 * connect-pg-simple on a pg Pool of the same default size, its table created if missing: in a
 * schema of its own per setup, as its index name is fixed (two tables in one schema collide).
 */
async function pgSimpleStore(schemaName: string) {
  const PgStore = connectPgSimple(session);
  const pool = new Pool({ connectionString: url('BENCH_POSTGRES_URL') });
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schemaName}`);
  return new PgStore({ pool, schemaName, createTableIfMissing: true });
}

/** express-mysql-session on a mysql2 pool of the same default size, its table created if missing. */
function mySqlSessionStore(tableName: string) {
  const MySQLStore = expressMySqlSession(session);
  const pool = createPool({ uri: url('BENCH_MYSQL_URL') });
  return new MySQLStore({ createDatabaseTable: true, schema: { tableName } }, pool as never);
}

export const createExpressSessionPostgres = async () => createExpressSession(await pgSimpleStore('es'));
export const createFastifySessionPostgres = async () => createFastifySession(await pgSimpleStore('fs'));
export const createExpressSessionMySql = () => createExpressSession(mySqlSessionStore('es_sessions'));
export const createFastifySessionMySql = () => createFastifySession(mySqlSessionStore('fs_sessions'));

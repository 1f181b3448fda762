import { assertIdentifier } from '../sql/sql-identifier';

/** Where a PostgresStore keeps its sessions. */
export interface PostgresSchemaNames {
  /** @default 'sessions' */
  table?: string;
  /** @default 'public' */
  schema?: string;
}

/** The quoted names of everything the store uses, derived from the table's name. */
export interface PostgresObjects {
  schema: string;
  table: string;
  /** `"schema"."table"` */
  sessions: string;
  /** `"schema"."table_cache"`: the profile cache (`userLoader`), a second small table. */
  cache: string;
  /** The function that applies one save: `"schema"."table_apply"(...)`. */
  apply: string;
  /**
   * The function that creates a session under a user's limit: `"schema"."table_apply_user"(...)`,
   * `_apply` and the limit in one step, answering the live sessions the limit destroyed.
   */
  applyUser: string;
  /** The function behind `destroyByUser`: `"schema"."table_destroy_user"(...)`. */
  destroyUser: string;
}

/** Postgres identifiers are 63 bytes; the longest suffix added is `_destroy_user` (13). */
const MAX_NAME = 50;

const quote = (name: string) => `"${name}"`;

/** The quoted names for a table and schema, validated as identifiers. */
export function postgresObjects({
  table = 'sessions',
  schema = 'public',
}: PostgresSchemaNames = {}): PostgresObjects {
  assertIdentifier(table, 'table', MAX_NAME);
  assertIdentifier(schema, 'schema', MAX_NAME);
  const at = (name: string) => `${quote(schema)}.${quote(name)}`;
  return {
    schema,
    table,
    sessions: at(table),
    cache: at(`${table}_cache`),
    apply: at(`${table}_apply`),
    applyUser: at(`${table}_apply_user`),
    destroyUser: at(`${table}_destroy_user`),
  };
}

/**
 * The SQL that creates a PostgresStore's tables and functions (idempotent: `IF NOT EXISTS` and
 * `CREATE OR REPLACE`). `createTable: true` runs it at start-up; otherwise run it yourself.
 *
 * A save is one call of `<table>_apply`: it changes only the keys the request changed
 * (`data - deleted || set || increments`), and creating a session bound to a user takes a
 * per-user advisory lock, so the user rules (`replaces`, `limit`) and `destroyByUser` (which takes
 * the same lock) cannot interleave. Each statement in the function sees what the ones before it
 * committed, which one statement alone could not. A session created under a user's limit is one
 * call of `<table>_apply_user`, which also names the live sessions the limit destroyed.
 */
export function postgresSessionSql(names: PostgresSchemaNames = {}): string {
  const o = postgresObjects(names);
  const lock = `pg_advisory_xact_lock(hashtextextended('nest-sessions:${o.schema}.${o.table}:' || p_user_id, 0))`;
  const deltaOver = (data: string) =>
    `(CASE WHEN p_clear THEN '{}'::jsonb ELSE ${data} - p_delete END) || p_set || COALESCE((
      SELECT jsonb_object_agg(i.k, to_jsonb(
        CASE WHEN NOT p_clear AND jsonb_typeof(${data} -> i.k) = 'number'
          THEN (${data} ->> i.k)::float8 ELSE 0 END + i.by))
      FROM unnest(p_inc_keys, p_inc_by) AS i(k, by)), '{}'::jsonb)`;
  const applyParams = `
  p_key text, p_now bigint, p_clear boolean, p_delete text[], p_set jsonb,
  p_inc_keys text[], p_inc_by float8[], p_expires_at bigint, p_last_seen_at bigint, p_ttl bigint,
  p_create boolean, p_data jsonb, p_created_at bigint, p_user_id text, p_user_agent text, p_ip text,
  p_replaces text, p_limit integer
`;
  // Everything of the user's but their newest `p_limit` live sessions (and the dead ones).
  const overLimit = `DELETE FROM ${o.sessions} WHERE user_id = p_user_id AND session_key NOT IN (
      SELECT session_key FROM ${o.sessions} WHERE user_id = p_user_id AND expires_at > p_now
      ORDER BY created_at DESC, session_key COLLATE "C" DESC LIMIT p_limit)`;
  return `CREATE TABLE IF NOT EXISTS ${o.sessions} (
  session_key  text PRIMARY KEY,
  data         jsonb NOT NULL,
  created_at   bigint NOT NULL,
  expires_at   bigint NOT NULL,
  last_seen_at bigint NOT NULL,
  ttl          bigint,
  user_id      text,
  user_agent   text,
  ip           text
);
CREATE INDEX IF NOT EXISTS ${quote(`${o.table}_expires_at`)} ON ${o.sessions} (expires_at);
CREATE INDEX IF NOT EXISTS ${quote(`${o.table}_user_id`)} ON ${o.sessions} (user_id) WHERE user_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS ${o.cache} (
  name       text PRIMARY KEY,
  value      text NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS ${quote(`${o.table}_cache_expires_at`)} ON ${o.cache} (expires_at);
CREATE OR REPLACE FUNCTION ${o.apply}(${applyParams}) RETURNS boolean LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE ${o.sessions} s SET data = ${deltaOver('s.data')},
    expires_at = p_expires_at, last_seen_at = p_last_seen_at, ttl = COALESCE(p_ttl, s.ttl)
  WHERE s.session_key = p_key AND s.expires_at > p_now;
  IF FOUND OR NOT p_create THEN RETURN FOUND; END IF;
  IF p_user_id IS NOT NULL AND (p_replaces IS NOT NULL OR p_limit IS NOT NULL) THEN
    -- Only the user rules need the lock: a plain user-bound creation racing destroyByUser is
    -- simply a session created after it.
    PERFORM ${lock};
    IF p_replaces IS NOT NULL THEN
      -- The replaced session leaves the user's index (it is destroyed next); if it already left,
      -- the user was logged out everywhere meanwhile and nothing is created.
      UPDATE ${o.sessions} SET user_id = NULL WHERE session_key = p_replaces AND user_id = p_user_id;
      IF NOT FOUND THEN RETURN false; END IF;
    END IF;
  END IF;
  INSERT INTO ${o.sessions} AS s
    (session_key, data, created_at, expires_at, last_seen_at, ttl, user_id, user_agent, ip)
  VALUES (p_key, p_data, p_created_at, p_expires_at, p_last_seen_at, p_ttl, p_user_id, p_user_agent, p_ip)
  ON CONFLICT (session_key) DO UPDATE SET data = EXCLUDED.data, created_at = EXCLUDED.created_at,
    expires_at = EXCLUDED.expires_at, last_seen_at = EXCLUDED.last_seen_at, ttl = EXCLUDED.ttl,
    user_id = EXCLUDED.user_id, user_agent = EXCLUDED.user_agent, ip = EXCLUDED.ip
  WHERE s.expires_at <= p_now;
  IF NOT FOUND THEN RETURN false; END IF;
  IF p_user_id IS NOT NULL AND p_limit IS NOT NULL THEN
    ${overLimit};
  END IF;
  RETURN true;
END
$fn$;
CREATE OR REPLACE FUNCTION ${o.applyUser}(${applyParams}) RETURNS text[] LANGUAGE plpgsql AS $fn$
DECLARE
  v_evicted text[];
BEGIN
  -- Created under a user's limit: \`_apply\` without the limit, then the limit's own delete, which
  -- names the live sessions it destroyed. The lock is held throughout (\`_apply\` takes it again:
  -- advisory locks nest within a transaction).
  PERFORM ${lock};
  IF NOT ${o.apply}(p_key, p_now, p_clear, p_delete, p_set, p_inc_keys, p_inc_by, p_expires_at,
    p_last_seen_at, p_ttl, p_create, p_data, p_created_at, p_user_id, p_user_agent, p_ip,
    p_replaces, NULL) THEN
    RETURN NULL;
  END IF;
  WITH gone AS (${overLimit} RETURNING session_key, expires_at)
  SELECT COALESCE(array_agg(session_key), '{}') INTO v_evicted FROM gone WHERE expires_at > p_now;
  RETURN v_evicted;
END
$fn$;
CREATE OR REPLACE FUNCTION ${o.destroyUser}(p_user_id text, p_except text, p_now bigint)
RETURNS SETOF text LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM ${lock};
  RETURN QUERY WITH gone AS (
    DELETE FROM ${o.sessions} WHERE user_id = p_user_id AND session_key IS DISTINCT FROM p_except
    RETURNING session_key, expires_at)
  SELECT session_key FROM gone WHERE expires_at > p_now;
END
$fn$;
`;
}

/** The SQL for the default names (`public.sessions`), as shown in the README. */
export const POSTGRES_SESSION_TABLE_SQL = postgresSessionSql();

/** Column -> the `data_type` information_schema must report, checked at start-up. */
export const POSTGRES_EXPECTED_COLUMNS: Record<string, Record<string, string[]>> = {
  sessions: {
    session_key: ['text', 'character varying'],
    data: ['jsonb'],
    created_at: ['bigint'],
    expires_at: ['bigint'],
    last_seen_at: ['bigint'],
    ttl: ['bigint', 'integer'],
    user_id: ['text', 'character varying'],
    user_agent: ['text', 'character varying'],
    ip: ['text', 'character varying'],
  },
  cache: {
    name: ['text', 'character varying'],
    value: ['text'],
    expires_at: ['bigint'],
  },
};

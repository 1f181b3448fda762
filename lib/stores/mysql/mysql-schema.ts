import { assertIdentifier } from '../sql/sql-identifier';

/** The quoted names of everything a MySqlStore uses, derived from its table's name. */
export interface MySqlObjects {
  table: string;
  /** `` `table` `` (in the pool's database) */
  sessions: string;
  /** `` `table_cache` ``: the profile cache (`userLoader`), a second small table. */
  cache: string;
  /** The procedure that creates a session bound to a user: `` `table_login` ``. */
  login: string;
  /** The procedure behind `destroyByUser`: `` `table_destroy_user` ``. */
  destroyUser: string;
}

/**
 * The revision of the procedures' code, kept in each one's COMMENT: `createTable` replaces a
 * procedure of an earlier revision, as CREATE PROCEDURE alone never would, and leaves a later
 * one (a newer version of the app, mid-deploy) alone. Raise it whenever a procedure's body changes.
 */
export const MYSQL_PROCEDURE_REVISION = 2;
const REVISION_PREFIX = 'nest-sessions procedure revision ';
export const MYSQL_PROCEDURE_COMMENT = `${REVISION_PREFIX}${MYSQL_PROCEDURE_REVISION}`;

/** The revision a procedure's COMMENT names: 1 for one made before revisions were kept. */
export function procedureRevision(comment: string | null): number {
  const revision = comment?.startsWith(REVISION_PREFIX) ? comment.slice(REVISION_PREFIX.length) : '';
  return /^\d+$/.test(revision) ? Number(revision) : 1;
}

/** MySQL identifiers are 64 characters; the longest suffix added is `_destroy_user` (13). */
const MAX_NAME = 50;

const quote = (name: string) => `\`${name}\``;

/** The procedures' names (unquoted) for a table. */
const loginProcedure = (table: string) => `${table}_login`;
const destroyUserProcedure = (table: string) => `${table}_destroy_user`;

/** The quoted names for a table, validated as an identifier. */
export function mysqlObjects(table = 'sessions'): MySqlObjects {
  assertIdentifier(table, 'table', MAX_NAME);
  return {
    table,
    sessions: quote(table),
    cache: quote(`${table}_cache`),
    login: quote(loginProcedure(table)),
    destroyUser: quote(destroyUserProcedure(table)),
  };
}

/** A procedure of a MySqlStore: its name (unquoted) and the statement that creates it. */
export interface MySqlProcedure {
  name: string;
  sql: string;
}

/** The statements that create a MySqlStore's tables, and its procedures. */
function mysqlSchema(table: string): { tables: string[]; procedures: MySqlProcedure[] } {
  const o = mysqlObjects(table);
  const lock = `CONCAT('nest-sessions:', MD5(CONCAT(DATABASE(), '.${o.table}:', p_user_id)))`;
  const acquire = `DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; DO RELEASE_LOCK(v_lock); RESIGNAL; END;
  IF COALESCE(GET_LOCK(v_lock, 10), 0) = 0 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'nest-sessions: timed out waiting for a user lock';
  END IF;`;
  const giveUp = `ROLLBACK; DO RELEASE_LOCK(v_lock); SELECT 0 AS applied; LEAVE proc;`;
  const tables = [
    `CREATE TABLE IF NOT EXISTS ${o.sessions} (
  session_key  VARCHAR(255) NOT NULL PRIMARY KEY,
  data         JSON NOT NULL,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  ttl          BIGINT NULL,
  user_id      VARCHAR(255) NULL,
  user_agent   TEXT NULL,
  ip           VARCHAR(255) NULL,
  KEY ${quote(`${o.table}_expires_at`)} (expires_at),
  KEY ${quote(`${o.table}_user_id`)} (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    `CREATE TABLE IF NOT EXISTS ${o.cache} (
  name       VARCHAR(512) NOT NULL PRIMARY KEY,
  value      LONGTEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  KEY ${quote(`${o.table}_cache_expires_at`)} (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  ];
  const login = `CREATE PROCEDURE ${o.login}(
  IN p_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, IN p_data LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, IN p_created_at BIGINT, IN p_expires_at BIGINT,
  IN p_last_seen_at BIGINT, IN p_ttl BIGINT, IN p_user_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
  IN p_user_agent TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
  IN p_ip VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, IN p_replaces VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
  IN p_limit INT, IN p_now BIGINT)
MODIFIES SQL DATA
COMMENT '${MYSQL_PROCEDURE_COMMENT}'
proc: BEGIN
  DECLARE v_lock VARCHAR(64) DEFAULT ${lock};
  DECLARE v_created BIGINT DEFAULT NULL;
  DECLARE v_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL;
  DECLARE v_offset INT DEFAULT 0;
  ${acquire}
  START TRANSACTION;
  IF p_replaces IS NOT NULL THEN
    -- The replaced session leaves the user's index (it is destroyed next); if it already left,
    -- the user was logged out everywhere meanwhile and nothing is created.
    UPDATE ${o.sessions} SET user_id = NULL WHERE session_key = p_replaces AND user_id = p_user_id;
    IF ROW_COUNT() = 0 THEN ${giveUp} END IF;
  END IF;
  DELETE FROM ${o.sessions} WHERE session_key = p_key AND expires_at <= p_now;
  IF EXISTS (SELECT 1 FROM ${o.sessions} WHERE session_key = p_key) THEN ${giveUp} END IF;
  INSERT INTO ${o.sessions}
    (session_key, data, created_at, expires_at, last_seen_at, ttl, user_id, user_agent, ip)
  VALUES (p_key, p_data, p_created_at, p_expires_at, p_last_seen_at, p_ttl, p_user_id, p_user_agent, p_ip);
  IF p_limit IS NOT NULL AND p_limit > 0 THEN
    SET v_offset = p_limit - 1;
    SELECT created_at, session_key INTO v_created, v_key FROM ${o.sessions}
    WHERE user_id = p_user_id AND expires_at > p_now
    ORDER BY created_at DESC, session_key DESC LIMIT v_offset, 1;
    IF v_key IS NOT NULL THEN
      -- The live sessions the limit destroys, named for the store (locked until the commit).
      SELECT session_key AS evicted FROM ${o.sessions} WHERE user_id = p_user_id AND expires_at > p_now
        AND (created_at < v_created OR (created_at = v_created AND session_key < v_key)) FOR UPDATE;
      DELETE FROM ${o.sessions} WHERE user_id = p_user_id AND (expires_at <= p_now
        OR created_at < v_created OR (created_at = v_created AND session_key < v_key));
    END IF;
  END IF;
  COMMIT;
  DO RELEASE_LOCK(v_lock);
  SELECT 1 AS applied;
END`;
  const destroyUser = `CREATE PROCEDURE ${o.destroyUser}(
  IN p_user_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, IN p_except VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, IN p_now BIGINT)
MODIFIES SQL DATA
COMMENT '${MYSQL_PROCEDURE_COMMENT}'
BEGIN
  DECLARE v_lock VARCHAR(64) DEFAULT ${lock};
  ${acquire}
  START TRANSACTION;
  SELECT session_key FROM ${o.sessions}
  WHERE user_id = p_user_id AND (p_except IS NULL OR session_key <> p_except) AND expires_at > p_now
  FOR UPDATE;
  DELETE FROM ${o.sessions} WHERE user_id = p_user_id AND (p_except IS NULL OR session_key <> p_except);
  COMMIT;
  DO RELEASE_LOCK(v_lock);
END`;
  return {
    tables,
    procedures: [
      { name: loginProcedure(o.table), sql: login },
      { name: destroyUserProcedure(o.table), sql: destroyUser },
    ],
  };
}

/**
 * The statements that create a MySqlStore's tables and procedures, one per string (run them one
 * by one: a pool rarely allows several statements per query). `createTable: true` runs them at
 * start-up, and replaces a procedure of an earlier revision (`MYSQL_PROCEDURE_COMMENT`). For the
 * `mysql` client, see `MYSQL_SESSION_TABLE_SQL` (with DELIMITER lines, and a DROP before each
 * procedure so that running it again upgrades them).
 *
 * Ordinary saves are single statements (see mysql-statements.ts). Creating a session bound to a
 * user and `destroyByUser` are procedures that take a per-user named lock (GET_LOCK, released on
 * every exit), so `maxSessionsPerUser`, regenerations and "log out everywhere" cannot interleave.
 */
export function mysqlSessionStatements(table = 'sessions'): string[] {
  const { tables, procedures } = mysqlSchema(table);
  return [...tables, ...procedures.map((procedure) => procedure.sql)];
}

/** The procedures of a MySqlStore on `table`, which `createTable` keeps at the current revision. */
export function mysqlProcedures(table = 'sessions'): MySqlProcedure[] {
  return mysqlSchema(table).procedures;
}

const DEFAULT_SCHEMA = mysqlSchema('sessions');

/**
 * The statements for the default table (`sessions`) as one script for the `mysql` client; it can
 * be run again after an upgrade: each procedure is dropped and created anew.
 */
export const MYSQL_SESSION_TABLE_SQL = [
  ...DEFAULT_SCHEMA.tables.map((sql) => `${sql};`),
  ...DEFAULT_SCHEMA.procedures.map(
    ({ name, sql }) => `DROP PROCEDURE IF EXISTS \`${name}\`;\nDELIMITER //\n${sql} //\nDELIMITER ;`,
  ),
].join('\n');

/** Column -> the `DATA_TYPE`s information_schema may report (MariaDB's JSON is a checked LONGTEXT). */
export const MYSQL_EXPECTED_COLUMNS: Record<'sessions' | 'cache', Record<string, string[]>> = {
  sessions: {
    session_key: ['varchar', 'char'],
    data: ['json', 'longtext'],
    created_at: ['bigint'],
    expires_at: ['bigint'],
    last_seen_at: ['bigint'],
    ttl: ['bigint', 'int'],
    user_id: ['varchar'],
    user_agent: ['text', 'varchar', 'mediumtext', 'longtext'],
    ip: ['varchar', 'text'],
  },
  cache: {
    name: ['varchar'],
    value: ['longtext', 'mediumtext', 'text'],
    expires_at: ['bigint'],
  },
};

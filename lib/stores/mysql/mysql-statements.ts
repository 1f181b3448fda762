import type { SessionChanges, SessionExpiry, SessionMeta } from '../session-store';
import { createdData } from '../sql/sql-session-row';

/** One statement and its parameters (sent with `execute`: the server binds them). */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** JSON types `increment` adds to; anything else counts as 0. */
const NUMERIC = "('INTEGER','UNSIGNED INTEGER','DOUBLE','DECIMAL')";

/**
 * The JSON path of a top-level key: `$."…"` with the key as a JSON string (quotes, backslashes and
 * control characters escaped), which both MySQL and MariaDB read as a member name, so a key like
 * `a'b`, `"}` or `$.x` names exactly itself. It is a parameter, never part of the SQL text.
 */
export const jsonPath = (key: string) => `$.${JSON.stringify(key)}`;

/**
 * Pads a list to the next power of two by repeating its last item, so a few statement shapes
 * (each prepared once per connection) cover every change set. Repeating is harmless: removing or
 * setting a key twice is idempotent, and every increment reads the row's *stored* `data`.
 */
function padded<T>(items: T[]): T[] {
  if (items.length === 0) return items;
  let size = 1;
  while (size < items.length) size *= 2;
  const out = [...items];
  while (out.length < size) out.push(items[items.length - 1]);
  return out;
}

/**
 * The new `data` of a row for `changes` applied over its stored `data`: JSON_REMOVE of the
 * deleted keys, then one JSON_SET of the set values and of each increment, computed in doubles
 * (`+ 0e0`) as JavaScript adds. A `clear` needs nothing stored: the new data comes whole.
 */
export function dataExpression(changes: SessionChanges): Statement {
  if (changes.clear) return { sql: '?', params: [createdData(changes)] };
  let sql = 'data';
  const params: unknown[] = [];
  const deleted = padded([...changes.delete]);
  if (deleted.length > 0) {
    sql = `JSON_REMOVE(${sql}, ${deleted.map(() => '?').join(', ')})`;
    params.push(...deleted.map(jsonPath));
  }
  const pairs: string[] = [];
  for (const [key, json] of padded([...changes.set])) {
    pairs.push("?, JSON_EXTRACT(?, '$')");
    params.push(jsonPath(key), json);
  }
  for (const [key, by] of padded([...changes.increment])) {
    pairs.push(`?, IF(JSON_TYPE(JSON_EXTRACT(data, ?)) IN ${NUMERIC}, JSON_EXTRACT(data, ?), 0) + 0e0 + ?`);
    const path = jsonPath(key);
    params.push(path, path, path, by);
  }
  if (pairs.length > 0) sql = `JSON_SET(${sql}, ${pairs.join(', ')})`;
  return { sql, params };
}

/** Applies `changes` to a live row only: affects 1 row, or 0 when it is absent or expired. */
export function updateStatement(
  table: string,
  key: string,
  changes: SessionChanges,
  expiry: SessionExpiry,
  now: number,
): Statement {
  const data = dataExpression(changes);
  return {
    sql: `UPDATE ${table} SET data = ${data.sql}, last_seen_at = ?, ttl = COALESCE(?, ttl), expires_at = ?
      WHERE session_key = ? AND expires_at > ?`,
    params: [...data.params, expiry.lastSeenAt, expiry.ttl ?? null, expiry.expiresAt, key, now],
  };
}

/**
 * Creates a session (a new row, or over an expired one), or applies `changes` to a live row under
 * the same key, in one INSERT … ON DUPLICATE KEY UPDATE. `expires_at` is assigned last: MySQL
 * evaluates the assignments in order, and the others read the stored expiry.
 */
export function upsertStatement(
  table: string,
  key: string,
  changes: SessionChanges,
  expiry: SessionExpiry,
  create: SessionMeta,
  now: number,
): Statement {
  const data = dataExpression(changes);
  const ttl = expiry.ttl ?? create.ttl ?? null;
  const live = 'expires_at > ?';
  return {
    sql: `INSERT INTO ${table}
      (session_key, data, created_at, expires_at, last_seen_at, ttl, user_id, user_agent, ip)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON DUPLICATE KEY UPDATE data = IF(${live}, ${data.sql}, VALUES(data)),
        created_at = IF(${live}, created_at, VALUES(created_at)),
        ttl = IF(${live}, COALESCE(?, ttl), VALUES(ttl)),
        user_id = IF(${live}, user_id, VALUES(user_id)),
        user_agent = IF(${live}, user_agent, VALUES(user_agent)),
        ip = IF(${live}, ip, VALUES(ip)),
        last_seen_at = VALUES(last_seen_at), expires_at = VALUES(expires_at)`,
    params: [
      key,
      createdData(changes),
      create.createdAt,
      expiry.expiresAt,
      expiry.lastSeenAt,
      ttl,
      create.userId ?? null,
      create.userAgent ?? null,
      create.ip ?? null,
      now,
      ...data.params,
      now,
      now,
      expiry.ttl ?? null,
      now,
      now,
      now,
    ],
  };
}

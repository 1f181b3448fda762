import { createHash } from 'node:crypto';
import type { SessionChanges, SessionMeta, StoredSession } from '../session-store';

/**
 * How sessions sit in Redis. One hash per session, `<prefix>{<key>}`: the braces make the whole
 * store key the Cluster hash tag, so anything ever kept beside a session lands in its slot.
 * Data fields are `d:<name>` and metadata fields `m:<name>`, so no data key can collide with
 * metadata. The key is already a one-way hash of the session id: no id ever reaches Redis.
 *
 * A user's index is `<prefix>user:{<sha256 of userId>}` (a sorted set of session keys scored by
 * createdAt) plus `<...>:prune`; hashing keeps user ids (often e-mail addresses) out of key names
 * and gives both keys one slot. Shared cache entries are `<prefix>cache:<name>`.
 */
/** Prefix of a data field in a session hash. */
export const DATA_FIELD = 'd:';
/** Prefix of a metadata field in a session hash. */
export const META_FIELD = 'm:';
/**
 * The field a session hash holds from its creation on: the scripts write only into a hash that
 * has it (anything else under a session key is foreign).
 */
export const MARKER_FIELD = `${META_FIELD}createdAt`;

/**
 * The session's write counter, raised by one on every applied write: the near-cache keeps it with
 * a cached copy (an entry older than a client's last write is reloaded). Not part of `SessionMeta`.
 */
export const VERSION_FIELD = `${META_FIELD}version`;

/** The Redis key of a session's hash. */
export const sessionKey = (prefix: string, key: string): string => `${prefix}{${key}}`;

/** The Redis keys of a user's index and of its next prune size (one slot). */
export function userIndexKeys(prefix: string, userId: string): [index: string, prune: string] {
  const tag = createHash('sha256').update(userId).digest('base64url');
  const index = `${prefix}user:{${tag}}`;
  return [index, `${index}:prune`];
}

/** The Redis key of a shared cache entry. */
export const cacheKey = (prefix: string, name: string): string => `${prefix}cache:${name}`;

/** A SCAN pattern matching every session hash under `prefix` and nothing else of ours. */
export function sessionPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}{*`;
}

/** The metadata fields, in the order `HMGET` asks for them. */
export const META_FIELDS = [
  'createdAt',
  'expiresAt',
  'lastSeenAt',
  'ttl',
  'userId',
  'userAgent',
  'ip',
] as const;

/** `create` metadata as field/value pairs for the apply script (expiry fields are sent apart). */
export function createMetaPairs(meta: SessionMeta): string[] {
  const pairs: string[] = [];
  for (const name of META_FIELDS) {
    const value = meta[name];
    if (value !== undefined) pairs.push(META_FIELD + name, String(value));
  }
  return pairs;
}

/**
 * A change set as the write scripts take it: `counts` (clear flag, then the numbers of deleted
 * fields, set pairs and increment pairs) and `fields` (the deleted names, the set pairs, the
 * increment pairs), each name under DATA_FIELD.
 */
export function changeArgs(changes: SessionChanges): { counts: (string | number)[]; fields: string[] } {
  const counts = [changes.clear ? '1' : '0', changes.delete.size, changes.set.size, changes.increment.size];
  const fields: string[] = [];
  for (const name of changes.delete) fields.push(DATA_FIELD + name);
  for (const [name, json] of changes.set) fields.push(DATA_FIELD + name, json);
  for (const [name, by] of changes.increment) fields.push(DATA_FIELD + name, String(by));
  return { counts, fields };
}

/** Thrown by the parsers below: the key holds something that is not a session of ours. */
export class CorruptSessionError extends Error {
  override name = 'CorruptSessionError';
}

/** Metadata from its raw field values; throws CorruptSessionError when unusable. */
export function parseMeta(raw: Partial<Record<(typeof META_FIELDS)[number], string | null>>): SessionMeta {
  const number = (name: 'createdAt' | 'expiresAt' | 'lastSeenAt' | 'ttl'): number => {
    const text = raw[name];
    const value = text == null || text === '' ? NaN : Number(text);
    if (!Number.isFinite(value))
      throw new CorruptSessionError(`metadata field ${name} is ${JSON.stringify(text)}`);
    return value;
  };
  const meta: SessionMeta = {
    createdAt: number('createdAt'),
    expiresAt: number('expiresAt'),
    lastSeenAt: number('lastSeenAt'),
  };
  if (raw.ttl != null) meta.ttl = number('ttl');
  if (raw.userId != null) meta.userId = raw.userId;
  if (raw.userAgent != null) meta.userAgent = raw.userAgent;
  if (raw.ip != null) meta.ip = raw.ip;
  return meta;
}

/**
 * A session from an `HGETALL` reply: a flat array, an object (ioredis's default mapping) or a
 * Map (RESP3 mapping). Null when the hash is empty (absent); CorruptSessionError when unusable.
 */
export function parseSessionHash(reply: unknown): StoredSession | null {
  return parseVersionedSession(reply)?.session ?? null;
}

/** As `parseSessionHash`, with the session's write counter (0 for a hash written before it existed). */
export function parseVersionedSession(reply: unknown): { session: StoredSession; version: number } | null {
  const entries = hashEntries(reply);
  if (entries.length === 0) return null;
  const data = new Map<string, string>();
  const raw = Object.create(null) as Record<string, string>;
  let version = 0;
  for (const [field, value] of entries) {
    if (field.startsWith(DATA_FIELD)) data.set(field.slice(DATA_FIELD.length), value);
    else if (field === VERSION_FIELD) version = Number(value) || 0;
    else if (field.startsWith(META_FIELD)) raw[field.slice(META_FIELD.length)] = value;
    else throw new CorruptSessionError(`unexpected field ${JSON.stringify(field.slice(0, 40))}`);
  }
  return { session: { data, meta: parseMeta(raw) }, version };
}

function hashEntries(reply: unknown): [string, string][] {
  const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v));
  if (Array.isArray(reply)) {
    const entries: [string, string][] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) entries.push([text(reply[i]), text(reply[i + 1])]);
    return entries;
  }
  if (reply instanceof Map) return [...reply].map(([k, v]) => [text(k), text(v)]);
  if (reply && typeof reply === 'object') return Object.entries(reply).map(([k, v]) => [k, text(v)]);
  throw new CorruptSessionError(`unexpected HGETALL reply of type ${typeof reply}`);
}

import { applySessionChanges } from '../apply-session-changes';
import type { SessionChanges, SessionMeta, StoredSession } from '../session-store';

/**
 * The columns both SQL stores keep for a session, and their conversion to the store contract's
 * types. Times are epoch milliseconds in BIGINT columns (exact, and compared with the app's
 * clock, as every other store does); drivers may return BIGINT as a string.
 */
export const SESSION_COLUMNS = [
  'session_key',
  'data',
  'created_at',
  'expires_at',
  'last_seen_at',
  'ttl',
  'user_id',
  'user_agent',
  'ip',
] as const;

/** A session row as a driver returns it. */
export interface SessionRow {
  session_key?: string;
  /** A JSON object: the driver's parse of it, or its text. */
  data?: unknown;
  created_at: string | number;
  expires_at: string | number;
  last_seen_at: string | number;
  ttl: string | number | null;
  user_id: string | null;
  user_agent: string | null;
  ip: string | null;
}

/** Thrown when a row holds something that is not a session (the caller counts it as absent). */
export class CorruptSessionRowError extends Error {}

/** A row's metadata. */
export function rowMeta(row: SessionRow): SessionMeta {
  const meta: SessionMeta = {
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    lastSeenAt: Number(row.last_seen_at),
  };
  if (row.ttl !== null && row.ttl !== undefined) meta.ttl = Number(row.ttl);
  if (row.user_id !== null && row.user_id !== undefined) meta.userId = row.user_id;
  if (row.user_agent !== null && row.user_agent !== undefined) meta.userAgent = row.user_agent;
  if (row.ip !== null && row.ip !== undefined) meta.ip = row.ip;
  return meta;
}

/** A row as a stored session: its data object becomes key -> JSON text, as the contract has it. */
export function rowSession(row: SessionRow): StoredSession {
  let data = row.data;
  if (typeof data === 'string' || Buffer.isBuffer(data)) {
    try {
      data = JSON.parse(data.toString());
    } catch {
      throw new CorruptSessionRowError('its data is not JSON');
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new CorruptSessionRowError('its data is not a JSON object');
  }
  const values = new Map<string, string>();
  for (const key of Object.keys(data))
    values.set(key, JSON.stringify((data as Record<string, unknown>)[key]));
  return { data: values, meta: rowMeta(row) };
}

/** A map of key -> JSON text as one JSON object text (the values are already JSON). */
export function jsonObject(values: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  for (const [key, json] of values) parts.push(`${JSON.stringify(key)}:${json}`);
  return `{${parts.join(',')}}`;
}

/** The data a session created by `changes` starts with (nothing stored before: no read needed). */
export function createdData(changes: SessionChanges): string {
  return jsonObject(applySessionChanges(new Map(), changes));
}

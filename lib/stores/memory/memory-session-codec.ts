import type { SessionMeta, StoredSession } from '../session-store';

/**
 * How MemoryStore keeps a session: one JSON array per session,
 * `[createdAt, expiresAt, lastSeenAt, ttl, userId, userAgent, ip, key1, json1, key2, json2, …]`.
 * One string is the smallest shape V8 offers: a Map and a metadata object per session cost about
 * twice as much, which matters at a million sessions. A read parses it (about a microsecond).
 */
const META_LENGTH = 7;

export function encodeMemorySession(meta: SessionMeta, data: ReadonlyMap<string, string>): string {
  const row: unknown[] = [
    meta.createdAt,
    meta.expiresAt,
    meta.lastSeenAt,
    meta.ttl ?? null,
    meta.userId ?? null,
    meta.userAgent ?? null,
    meta.ip ?? null,
  ];
  for (const [key, json] of data) row.push(key, json);
  return JSON.stringify(row);
}

export function decodeMemorySession(text: string): StoredSession {
  const row = JSON.parse(text) as unknown[];
  const meta: SessionMeta = {
    createdAt: row[0] as number,
    expiresAt: row[1] as number,
    lastSeenAt: row[2] as number,
  };
  if (row[3] !== null) meta.ttl = row[3] as number;
  if (row[4] !== null) meta.userId = row[4] as string;
  if (row[5] !== null) meta.userAgent = row[5] as string;
  if (row[6] !== null) meta.ip = row[6] as string;
  const data = new Map<string, string>();
  for (let i = META_LENGTH; i < row.length; i += 2) data.set(row[i] as string, row[i + 1] as string);
  return { data, meta };
}

/** `expiresAt` without parsing the whole session (sweeps read only this). */
export function memorySessionExpiry(text: string): number {
  const first = text.indexOf(',');
  return Number(text.slice(first + 1, text.indexOf(',', first + 1)));
}

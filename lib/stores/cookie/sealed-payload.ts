import type { SealedSession, SessionMeta } from '../session-store';

/**
 * The plaintext sealed into a cookie, one JSON array:
 * `[id, createdAt, expiresAt, lastSeenAt, ttl or 0, userId or null, {data}]`. The data is written
 * as the one JSON object `maxSessionBytes` counts, so its size is known before sealing. The
 * user agent and IP are left out: nothing lists a stateless session's devices, and they would
 * only take cookie bytes.
 */
export function encodePayload(session: SealedSession): string {
  let data = '{';
  let first = true;
  for (const [key, json] of session.data) {
    data += `${first ? '' : ','}${JSON.stringify(key)}:${json}`;
    first = false;
  }
  return `${payloadPrefix(session)}${data}}]`;
}

/** The payload up to its data object: what a session costs in a cookie before its data. */
export function payloadPrefix({ id, meta }: Omit<SealedSession, 'data'>): string {
  const user = meta.userId === undefined ? 'null' : JSON.stringify(meta.userId);
  return `[${JSON.stringify(id)},${meta.createdAt},${meta.expiresAt},${meta.lastSeenAt},${meta.ttl ?? 0},${user},`;
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * The session in an opened payload, or null when it is not one this format wrote (only a value
 * sealed by a key of the ring gets here, so this is defence in depth, not a parser of attacks).
 */
export function decodePayload(text: string): SealedSession | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 7) return null;
  const [id, createdAt, expiresAt, lastSeenAt, ttl, userId, values] = parsed as unknown[];
  if (typeof id !== 'string' || !isTime(createdAt) || !isTime(expiresAt) || !isTime(lastSeenAt)) return null;
  if (!isTime(ttl) || ttl < 0 || (userId !== null && typeof userId !== 'string')) return null;
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return null;
  const meta = sealedMeta({ createdAt, expiresAt, lastSeenAt, ttl, userId: userId ?? undefined });
  const data = new Map<string, string>();
  for (const [key, value] of Object.entries(values)) data.set(key, JSON.stringify(value));
  return { id, data, meta };
}

/** The metadata a payload keeps of `meta`, as `decodePayload` gives it back. */
export function sealedMeta({ createdAt, expiresAt, lastSeenAt, ttl, userId }: SessionMeta): SessionMeta {
  const meta: SessionMeta = { createdAt, expiresAt, lastSeenAt };
  if (ttl !== undefined && ttl > 0) meta.ttl = ttl;
  if (userId !== undefined) meta.userId = userId;
  return meta;
}

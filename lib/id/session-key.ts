import { createHash } from 'node:crypto';

const SESSION_KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The key a store files a session under: a SHA-256 of its id. Also the session's public `handle`:
 * it names the session for revocation, but hashing it again never yields its own key, so a handle
 * (or a store dump) presented as a cookie is just an unknown id.
 */
export function sessionKey(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

/** Whether `value` has the shape of a store key / handle (the url-safe base64 of a SHA-256). */
export function isSessionKey(value: unknown): value is string {
  return typeof value === 'string' && SESSION_KEY_PATTERN.test(value);
}

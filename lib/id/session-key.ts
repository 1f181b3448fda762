import { createHash } from 'node:crypto';

/**
 * The key a store files a session under: a SHA-256 of its id. Also the session's public `handle`:
 * it names the session for revocation, but hashing it again never yields its own key, so a handle
 * (or a store dump) presented as a cookie is just an unknown id.
 */
export function sessionKey(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

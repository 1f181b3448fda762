import { createHmac } from 'node:crypto';

/** An independent signer (not the library's), so tests check the cookie format itself. */
export function signSessionIdForTest(id: string, secret: string): string {
  return `${id}.${createHmac('sha256', secret).update(id).digest('base64url')}`;
}

import { randomBytes } from 'node:crypto';
import { SESSION_ID_BYTES } from '../session.constants';

/** A new session id: 192 random bits from the OS CSPRNG, url-safe base64. */
export function generateSessionId(): string {
  return randomBytes(SESSION_ID_BYTES).toString('base64url');
}

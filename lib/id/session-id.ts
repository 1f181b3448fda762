import { randomBytes } from 'node:crypto';

/** Random bytes in a session id: 192 bits, 32 url-safe characters. */
const SESSION_ID_BYTES = 24;
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/** A new session id: 192 random bits from the OS CSPRNG, url-safe base64. */
export function generateSessionId(): string {
  return randomBytes(SESSION_ID_BYTES).toString('base64url');
}

/** Whether `value` has the shape of an id this library issues (says nothing of whether it exists). */
export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID_PATTERN.test(value);
}

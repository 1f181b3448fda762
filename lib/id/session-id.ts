import { randomFillSync } from 'node:crypto';

/** Random bytes in a session id: 192 bits, 32 url-safe characters. */
const SESSION_ID_BYTES = 24;
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;
/** Ids drawn from one CSPRNG fill: one system call per 256 ids instead of one per id. */
const POOL_IDS = 256;

const pool = Buffer.alloc(SESSION_ID_BYTES * POOL_IDS);
let next = POOL_IDS;

/**
 * A new session id: 192 random bits from the OS CSPRNG, url-safe base64. Bytes come from a pool
 * filled by `randomFillSync` (as Node's own `randomUUID` does); each byte is handed out once.
 */
export function generateSessionId(): string {
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  const start = next++ * SESSION_ID_BYTES;
  const id = pool.toString('base64url', start, start + SESSION_ID_BYTES);
  pool.fill(0, start, start + SESSION_ID_BYTES);
  return id;
}

/** Whether `value` has the shape of an id this library issues (says nothing of whether it exists). */
export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID_PATTERN.test(value);
}

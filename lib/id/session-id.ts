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

/** How a module's session ids are made and recognised: the built-in ones, or `genid`'s. */
export interface SessionIdFormat {
  /** A new id; throws `TypeError` rather than hand out one that is too short or not url-safe. */
  generate(): string;
  /** Whether `value` has the shape of an id this format issues (says nothing of whether it exists). */
  accepts(value: unknown): value is string;
}

/** The built-in ids: 192 random bits, 32 url-safe characters. */
export const BUILT_IN_SESSION_IDS: SessionIdFormat = Object.freeze({
  generate: generateSessionId,
  accepts: isSessionId,
});

/** A custom id: url-safe, 22 characters (128 bits of base64url) at least, 128 at most. */
const CUSTOM_ID_PATTERN = /^[A-Za-z0-9_-]{22,128}$/;

/**
 * Ids from a user's `genid`. Each one is checked as it is made: one that is not a string of 22 to
 * 128 url-safe characters throws, so a weak or malformed id never names a session. Ids read from
 * clients are accepted in the same shape (the built-in 32-character ids fit it too).
 */
export function customSessionIds(genid: () => string): SessionIdFormat {
  return Object.freeze({
    generate(): string {
      const id: unknown = genid();
      if (typeof id !== 'string' || !CUSTOM_ID_PATTERN.test(id)) {
        const got = typeof id === 'string' ? `a string of ${id.length} characters` : typeof id;
        throw new TypeError(
          `genid must return 22 to 128 url-safe characters ([A-Za-z0-9_-], at least 128 bits of base64url), got ${got}`,
        );
      }
      return id;
    },
    accepts: (value: unknown): value is string => typeof value === 'string' && CUSTOM_ID_PATTERN.test(value),
  });
}

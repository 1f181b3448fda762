import { createHmac } from 'node:crypto';
import { InvalidSessionOptionsError } from '../../errors/invalid-session-options.error';

/** A key of `CookieStore`'s ring: 32 bytes, as a Buffer or as the base64 (or base64url) text of 32 bytes. */
export type CookieStoreKey = Buffer | Uint8Array | string;

/** AES-256 takes 32-byte keys. */
export const COOKIE_KEY_BYTES = 32;
/** Characters of a key id in a sealed value. */
export const KEY_ID_LENGTH = 8;

/** A key of the ring with the id sealed values name it by. */
export interface SealingKey {
  /** 8 url-safe characters derived from the key (an HMAC of it), so no key is ever shown. */
  readonly id: string;
  readonly key: Buffer;
}

const BASE64 = /^(?:[A-Za-z0-9+/]*={0,2}|[A-Za-z0-9_-]*)$/;

function fail(message: string): never {
  throw new InvalidSessionOptionsError(`CookieStore: ${message}`);
}

function keyBytes(value: unknown, index: number): Buffer {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    if (value.length !== COOKIE_KEY_BYTES) {
      fail(`keys[${index}] must be ${COOKIE_KEY_BYTES} bytes, got ${value.length}`);
    }
    return Buffer.from(value); // a private copy: the caller may reuse or zero its buffer
  }
  if (typeof value === 'string') {
    const text = value.trim();
    const bytes = BASE64.test(text)
      ? Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64')
      : undefined;
    if (bytes === undefined || bytes.length !== COOKIE_KEY_BYTES) {
      fail(
        `keys[${index}] must be the base64 of ${COOKIE_KEY_BYTES} random bytes ` +
          `(node -e "console.log(crypto.randomBytes(32).toString('base64'))"), got ${bytes === undefined ? 'text that is not base64' : `${bytes.length} bytes`}`,
      );
    }
    return bytes;
  }
  return fail(
    `keys[${index}] must be a Buffer of ${COOKIE_KEY_BYTES} bytes or its base64 text, got ${typeof value}`,
  );
}

/** The id a sealed value names its key by: not secret, and says nothing about the key. */
function keyId(key: Buffer): string {
  return createHmac('sha256', key)
    .update('nest-sessions:cookie-key-id')
    .digest('base64url')
    .slice(0, KEY_ID_LENGTH);
}

/**
 * Validates `keys` into the ring, first key first (it seals; all open). A missing, short, long or
 * repeated key throws `InvalidSessionOptionsError` at start-up, naming the key's index.
 */
export function resolveSealingKeys(keys: unknown): readonly SealingKey[] {
  const list: unknown[] = Array.isArray(keys) ? keys : keys === undefined || keys === null ? [] : [keys];
  if (list.length === 0) {
    fail(
      `keys is required: one or more keys of ${COOKIE_KEY_BYTES} random bytes (the first seals, all open)`,
    );
  }
  const ring = list.map((value, index) => {
    const key = keyBytes(value, index);
    return Object.freeze({ id: keyId(key), key });
  });
  ring.forEach((entry, index) => {
    const first = ring.findIndex((other) => other.key.equals(entry.key));
    if (first !== index) fail(`keys[${index}] repeats keys[${first}]`);
  });
  return Object.freeze(ring);
}

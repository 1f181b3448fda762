import { createHmac, timingSafeEqual } from 'node:crypto';

/** An HMAC-SHA256 in url-safe base64: 43 ASCII characters, so exactly 43 bytes. */
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** A UTF-16 surrogate without its pair: UTF-8 encoding replaces it, so two ids would share one HMAC. */
const LONE_SURROGATE = /\p{Surrogate}/u;

function signature(id: string, secret: string): string {
  return createHmac('sha256', secret).update(id).digest('base64url');
}

/** `id.signature`, signed with the first (current) secret. */
export function signSessionId(id: string, secrets: readonly string[]): string {
  return `${id}.${signature(id, secrets[0])}`;
}

/**
 * The id inside a signed value when any secret verifies it (rotation), else undefined. Any string
 * is either verified or refused, never a throw: the signature must be 43 url-safe (ASCII)
 * characters before it is compared, so both sides always have 43 bytes. The text is compared, not
 * its decoded bytes, because base64 decoding ignores the last character's two spare bits.
 */
export function unsignSessionId(value: string, secrets: readonly string[]): string | undefined {
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const given = value.slice(dot + 1);
  if (!SIGNATURE_PATTERN.test(given)) return undefined;
  const id = value.slice(0, dot);
  if (LONE_SURROGATE.test(id)) return undefined;
  const givenBytes = Buffer.from(given, 'latin1');
  for (const secret of secrets) {
    const expected = Buffer.from(signature(id, secret), 'latin1');
    if (givenBytes.length === expected.length && timingSafeEqual(givenBytes, expected)) return id;
  }
  return undefined;
}

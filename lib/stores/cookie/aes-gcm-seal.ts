import { createCipheriv, createDecipheriv, createHmac, randomFillSync } from 'node:crypto';
import type { SealingKey } from './cookie-keys';
import { KEY_ID_LENGTH } from './cookie-keys';

/** Random salt per seal: a fresh key is derived from it, and its first bytes are the IV. */
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const INFO = 'nest-sessions:cookie-store:v1';
/** Salts drawn from one CSPRNG fill (one system call per 256 seals), each handed out once. */
const POOL_SALTS = 256;
const pool = Buffer.alloc(SALT_BYTES * POOL_SALTS);
let nextSalt = POOL_SALTS;

function freshSalt(): Buffer {
  if (nextSalt === POOL_SALTS) {
    randomFillSync(pool);
    nextSalt = 0;
  }
  const start = nextSalt++ * SALT_BYTES;
  const salt = Buffer.from(pool.subarray(start, start + SALT_BYTES));
  pool.fill(0, start, start + SALT_BYTES);
  return salt;
}
/** The body of a sealed value: url-safe base64 only. */
const BODY = /^[A-Za-z0-9_-]+$/;

/** Characters a sealed value adds to its plaintext's bytes: `kid.` and the base64url of salt + tag. */
export function sealedLength(plaintextBytes: number): number {
  return KEY_ID_LENGTH + 1 + Math.ceil(((SALT_BYTES + plaintextBytes + TAG_BYTES) * 4) / 3);
}

/** The associated data: binds the format version and the key id to the ciphertext. */
function aad(keyId: string): Buffer {
  return Buffer.from(`${INFO}:${keyId}`);
}

/**
 * This seal's key: HMAC-SHA256 of the salt under the ring's key (HKDF's extract step; one HMAC,
 * where Node's hkdfSync costs several times more per request). The IV is the salt's first 12
 * bytes: each derived key seals one message, so no (key, IV) pair ever repeats.
 */
function derive(key: Buffer, salt: Buffer): { key: Buffer; iv: Buffer } {
  const derived = createHmac('sha256', key).update(INFO).update(salt).digest();
  return { key: derived, iv: salt.subarray(0, IV_BYTES) };
}

/**
 * `kid.base64url(salt | ciphertext | tag)`: AES-256-GCM under a key derived from the ring's key and
 * a random 128-bit salt, so GCM's limit on random IVs under one key (about 2^32 messages) does not
 * bound how many cookies one ring key may seal. The key id names which key of
 * the ring opens it; it is authenticated with the ciphertext.
 */
export function sealText(plaintext: string, sealing: SealingKey): string {
  const salt = freshSalt();
  const { key, iv } = derive(sealing.key, salt);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(sealing.id));
  const body = Buffer.concat([salt, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${sealing.id}.${body.toString('base64url')}`;
}

/**
 * The plaintext of a value `sealText` made with one of `ring`'s keys, or undefined for anything
 * else: a value of another shape, an unknown key id, or one that fails authentication (tampered,
 * truncated, parts swapped, another key with a colliding id). Never throws.
 */
export function openText(value: string, ring: readonly SealingKey[], maxLength: number): string | undefined {
  if (value.length > maxLength || value[KEY_ID_LENGTH] !== '.') return undefined;
  const id = value.slice(0, KEY_ID_LENGTH);
  const encoded = value.slice(KEY_ID_LENGTH + 1);
  if (!BODY.test(encoded)) return undefined;
  const body = Buffer.from(encoded, 'base64url');
  if (body.length <= SALT_BYTES + TAG_BYTES) return undefined;
  // Decoding ignores the last character's spare bits: only the one spelling sealText writes opens.
  if (body.toString('base64url') !== encoded) return undefined;
  for (const sealing of ring) {
    if (sealing.id !== id) continue;
    const plaintext = tryOpen(body, sealing);
    if (plaintext !== undefined) return plaintext;
  }
  return undefined;
}

function tryOpen(body: Buffer, sealing: SealingKey): string | undefined {
  const { key, iv } = derive(sealing.key, body.subarray(0, SALT_BYTES));
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(sealing.id));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    const text = decipher.update(body.subarray(SALT_BYTES, body.length - TAG_BYTES), undefined, 'utf8');
    return text + decipher.final('utf8');
  } catch {
    return undefined; // authentication failed: not ours, or altered
  }
}

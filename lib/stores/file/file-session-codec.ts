import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SessionMeta, StoredSession } from '../session-store';

/**
 * What a session file holds: one JSON array,
 * `[createdAt, expiresAt, lastSeenAt, ttl, userId, userAgent, ip, key1, json1, key2, json2, …]`
 * (values stay JSON texts, as the store contract keeps them), sealed when a key ring is set:
 * `SEALED_MAGIC | iv (12) | tag (16) | AES-256-GCM ciphertext`, with the file's name as
 * additional data, so a sealed file renamed to another session's name does not open.
 */
const META_LENGTH = 7;
const SEALED_MAGIC = Buffer.from('nsF1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = SEALED_MAGIC.length + IV_BYTES + TAG_BYTES;

/** The file is not a session this store can read (corrupt, foreign, or sealed with another key). */
export class UnreadableFileError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnreadableFileError';
  }
}

export function encodeSessionText(meta: SessionMeta, data: ReadonlyMap<string, string>): string {
  const row: unknown[] = [
    meta.createdAt,
    meta.expiresAt,
    meta.lastSeenAt,
    meta.ttl ?? null,
    meta.userId ?? null,
    meta.userAgent ?? null,
    meta.ip ?? null,
  ];
  for (const [key, json] of data) row.push(key, json);
  return JSON.stringify(row);
}

export function decodeSessionText(text: string): StoredSession {
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch {
    throw new UnreadableFileError('not JSON');
  }
  if (!Array.isArray(row) || row.length < META_LENGTH || (row.length - META_LENGTH) % 2 !== 0)
    throw new UnreadableFileError('not a session');
  const [createdAt, expiresAt, lastSeenAt, ttl, userId, userAgent, ip] = row as unknown[];
  if (![createdAt, expiresAt, lastSeenAt].every(Number.isFinite)) throw new UnreadableFileError('bad times');
  const meta: SessionMeta = {
    createdAt: createdAt as number,
    expiresAt: expiresAt as number,
    lastSeenAt: lastSeenAt as number,
  };
  if (typeof ttl === 'number') meta.ttl = ttl;
  if (typeof userId === 'string') meta.userId = userId;
  if (typeof userAgent === 'string') meta.userAgent = userAgent;
  if (typeof ip === 'string') meta.ip = ip;
  const data = new Map<string, string>();
  for (let i = META_LENGTH; i < row.length; i += 2) {
    const key: unknown = row[i];
    const json: unknown = row[i + 1];
    if (typeof key !== 'string' || typeof json !== 'string') throw new UnreadableFileError('bad entry');
    data.set(key, json);
  }
  return { data, meta };
}

/**
 * Seals and opens file contents with a key ring (first key seals, all open). Without keys the
 * contents are stored as they are, and a sealed file is unreadable (and the reverse: with keys,
 * a plain file is unreadable, so encryption also means nobody can plant a session in clear).
 */
export class FileSealer {
  constructor(private readonly keys: readonly Buffer[]) {}

  seal(plain: string, name: string): Buffer {
    const text = Buffer.from(plain, 'utf8');
    if (this.keys.length === 0) return text;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0], iv);
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const body = Buffer.concat([cipher.update(text), cipher.final()]);
    return Buffer.concat([SEALED_MAGIC, iv, cipher.getAuthTag(), body]);
  }

  open(contents: Buffer, name: string): string {
    const sealed =
      contents.length >= HEADER_BYTES && contents.subarray(0, SEALED_MAGIC.length).equals(SEALED_MAGIC);
    if (this.keys.length === 0) {
      if (sealed) throw new UnreadableFileError('sealed, and the store has no encryptionKey');
      return contents.toString('utf8');
    }
    if (!sealed) throw new UnreadableFileError('not sealed, and the store has an encryptionKey');
    const iv = contents.subarray(SEALED_MAGIC.length, SEALED_MAGIC.length + IV_BYTES);
    const tag = contents.subarray(SEALED_MAGIC.length + IV_BYTES, HEADER_BYTES);
    const body = contents.subarray(HEADER_BYTES);
    for (const key of this.keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAAD(Buffer.from(name, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        // Not this key (or tampered): try the next one.
      }
    }
    throw new UnreadableFileError('no key of the ring opens it');
  }
}

import { resolve } from 'node:path';

/** A 32-byte AES-256 key: a Buffer, or the base64 (or base64url) text of 32 bytes. */
export type FileStoreKey = Buffer | string;

export interface FileStoreOptions {
  /**
   * The directory holding one file per session. Created (mode 0700) when missing; an existing
   * one must be owned by this process's user and closed to group and others (no bits of 0077),
   * or the store refuses to start.
   */
  dir: string;
  /**
   * Encrypts every session and cached profile at rest with AES-256-GCM. A key ring: the first key
   * seals, every key opens, so a key is rotated by putting the new one first and dropping the old
   * one once its sessions have expired. Each key is 32 bytes (a Buffer, or base64 text of 32
   * bytes); anything else fails at construction. A file that no key opens is logged once and
   * treated as no session.
   * @default undefined (files hold plain JSON, readable by the directory's owner only)
   */
  encryptionKey?: FileStoreKey | FileStoreKey[];
  /**
   * Ms between sweeps of expired files (the timer never keeps the process alive). Expiry is
   * enforced on every read as well; the sweep only reclaims disk space.
   * @default 60_000
   */
  sweepInterval?: number;
  /**
   * Directory entries a sweep examines per step before yielding to other work (each costs one
   * `lstat`; no file is read).
   * @default 500
   */
  sweepBatchSize?: number;
  /**
   * Ms a call waits for a session's (or a user's) lock held by another process before it fails.
   * Keep it at most the module's `storeTimeout`.
   * @default 1_000
   */
  lockTimeout?: number;
  /**
   * Ms after which a lock is considered abandoned and broken, even when its process still lives
   * (a lock of a dead process on this host is broken at once). Far above the few ms a lock is held.
   * @default 10_000
   */
  lockStaleAfter?: number;
  /**
   * Whether each write is flushed to disk (`fsync` of the file and of the directory) before it is
   * acknowledged. Off, writes stay atomic (a crash leaves the old or the new file, never a mix) but
   * an acknowledged write may be lost with a power failure or a kernel crash.
   * @default true
   */
  fsync?: boolean;
}

export const FILE_STORE_DEFAULTS = {
  sweepInterval: 60_000,
  sweepBatchSize: 500,
  lockTimeout: 1_000,
  lockStaleAfter: 10_000,
  fsync: true,
};

/** The options after validation, defaults applied. */
export interface FileStoreSettings {
  dir: string;
  keys: Buffer[];
  sweepInterval: number;
  sweepBatchSize: number;
  lockTimeout: number;
  lockStaleAfter: number;
  fsync: boolean;
}

const KEY_BYTES = 32;

/** Validates the options (a TypeError naming the option otherwise) and applies the defaults. */
export function fileStoreSettings(options: FileStoreOptions): FileStoreSettings {
  if (!options || typeof options !== 'object') throw new TypeError('FileStore needs options: { dir }');
  if (typeof options.dir !== 'string' || options.dir === '' || options.dir.includes('\0'))
    throw new TypeError(`dir must be a directory path, got ${JSON.stringify(options.dir)}`);
  const merged = { ...FILE_STORE_DEFAULTS, ...stripUndefined(options) };
  const { sweepInterval, sweepBatchSize, lockTimeout, lockStaleAfter, fsync } = merged;
  if (!(sweepInterval > 0)) throw new TypeError(`sweepInterval must be > 0 ms, got ${sweepInterval}`);
  if (!(Number.isInteger(sweepBatchSize) && sweepBatchSize >= 1))
    throw new TypeError(`sweepBatchSize must be an integer >= 1, got ${sweepBatchSize}`);
  if (!(lockTimeout > 0)) throw new TypeError(`lockTimeout must be > 0 ms, got ${lockTimeout}`);
  if (!(lockStaleAfter > 0)) throw new TypeError(`lockStaleAfter must be > 0 ms, got ${lockStaleAfter}`);
  if (typeof fsync !== 'boolean') throw new TypeError(`fsync must be a boolean, got ${typeof fsync}`);
  return {
    dir: resolve(options.dir),
    keys: keyRing(options.encryptionKey),
    sweepInterval,
    sweepBatchSize,
    lockTimeout,
    lockStaleAfter,
    fsync,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The key ring as Buffers of 32 bytes; an empty ring means no encryption. */
export function keyRing(option: FileStoreOptions['encryptionKey']): Buffer[] {
  if (option === undefined) return [];
  const ring = Array.isArray(option) ? option : [option];
  if (ring.length === 0) throw new TypeError('encryptionKey must hold at least one key when given');
  return ring.map((key, i) => {
    const name = Array.isArray(option) ? `encryptionKey[${i}]` : 'encryptionKey';
    let bytes: Buffer;
    if (Buffer.isBuffer(key)) bytes = Buffer.from(key);
    else if (typeof key === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(key))
      bytes = Buffer.from(key, 'base64');
    else throw new TypeError(`${name} must be a Buffer or a base64 string, got ${typeof key}`);
    if (bytes.length !== KEY_BYTES)
      throw new TypeError(
        `${name} must be ${KEY_BYTES} bytes, got ${bytes.length} (make one with crypto.randomBytes(32).toString('base64'))`,
      );
    return bytes;
  });
}

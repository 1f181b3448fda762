import { lstat, opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { OnApplicationShutdown } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { applySessionChanges } from '../apply-session-changes';
import type {
  CountingStore,
  PingableStore,
  SessionChanges,
  SessionExpiry,
  SessionMeta,
  SharedCacheStore,
  StoredSession,
  StoredSessionEntry,
  UserBinding,
  UserIndexStore,
} from '../session-store';
import { SessionStore } from '../session-store';
import { isCode, readOptionalFile, removeFile, writeFileAtomic } from './atomic-file';
import { directoryExists, prepareDirectory } from './file-directory';
import { FileLocks } from './file-lock';
import { decodeSessionText, encodeSessionText, FileSealer, UnreadableFileError } from './file-session-codec';
import type { FileStoreOptions, FileStoreSettings } from './file-store-options';
import { fileStoreSettings } from './file-store-options';
import { FileStoreFailures } from './file-store-failures';
import { FileSweeper } from './file-sweeper';
import { FileCache } from './file-cache';
import { FileUserIndex } from './file-user-index';
import { allSettledAs, WriteBatches } from './write-batches';

/**
 * What a store key must look like to become a file name: url-safe base64 characters only (the
 * module's keys are 43 of them, a SHA-256), so no key holds `/`, `.`, NUL or a name of ours.
 */
const STORE_KEY = /^[A-Za-z0-9_-]{1,128}$/;
/** Unreadable files remembered (each is logged once). */
const UNREADABLE_REMEMBERED = 1_000;

/** Whether `key` can name a session file; any other key is an unknown session. */
export function isStoreKey(key: unknown): key is string {
  return typeof key === 'string' && STORE_KEY.test(key);
}

/**
 * Sessions in files: one per session in a directory of its own, named by the session's store key
 * (a hash of the id, so no client input reaches a path), replaced atomically on every write
 * (temporary file, fsync, rename, fsync of the directory). No server needed; several processes
 * (workers, `node:cluster`) may share the directory on one machine.
 *
 * Changes are applied as deltas under a per-session lock that holds across processes (see
 * `FileLocks`); the user index is a small file per user under a per-user lock; a file's mtime
 * is its session's expiry, so expiry is checked on every read and a background sweep removes
 * expired files with one `lstat` each. Optional AES-256-GCM encryption at rest (`encryptionKey`).
 *
 * @example
 * SessionModule.forRoot({ store: new FileStore({ dir: '/var/lib/myapp/sessions' }) })
 */
export class FileStore
  extends SessionStore
  implements CountingStore, UserIndexStore, SharedCacheStore, PingableStore, OnApplicationShutdown
{
  private readonly logger = new Logger('FileStore');
  private readonly settings: FileStoreSettings;
  private readonly sealer: FileSealer;
  private readonly locks: FileLocks;
  private readonly users: FileUserIndex;
  private readonly sweeper: FileSweeper;
  private readonly failures: FileStoreFailures;
  private readonly cache: FileCache;
  private readonly batches: WriteBatches<{ changes: SessionChanges; expiry: SessionExpiry }, boolean>;
  private readonly unreadable = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(options: FileStoreOptions) {
    super();
    const settings = (this.settings = fileStoreSettings(options));
    const { dir } = settings;
    prepareDirectory(dir);
    this.sealer = new FileSealer(settings.keys);
    this.cache = new FileCache(dir, this.sealer, settings.fsync);
    this.locks = new FileLocks(dir, settings.lockTimeout, settings.lockStaleAfter, this.logger);
    this.failures = new FileStoreFailures(dir, this.logger);
    this.users = new FileUserIndex(
      dir,
      this.locks,
      { isLive: (key) => this.isLive(key), meta: async (key) => (await this.read(key))?.meta ?? null },
      settings.fsync,
      this.logger,
    );
    this.batches = new WriteBatches(
      (key, body) => this.locks.with(key, body),
      (key, items) => this.applyBatch(key, items),
    );
    this.sweeper = new FileSweeper(dir, settings.sweepBatchSize, {
      isSessionFile: isStoreKey,
      expired: (key) => this.notifyExpired(key),
      lock: (name) => this.locks.removeIfStale(name),
      userIndex: (name) => this.users.removeIfDead(name),
    });
    this.timer = setInterval(() => {
      this.sweep().catch(() => undefined); // reported by `failures`
    }, settings.sweepInterval).unref();
  }

  /** The directory the store uses (absolute). */
  get dir(): string {
    return this.settings.dir;
  }

  async load(key: string): Promise<StoredSession | null> {
    if (!isStoreKey(key)) return null;
    return this.failures.run('load', async () => {
      const session = await this.read(key);
      // A missing file in a missing directory: the directory was deleted (`failures` recreates
      // it). Other calls notice it when taking the session's lock.
      if (session === null && !(await directoryExists(this.dir)))
        throw Object.assign(new Error('directory missing'), { code: 'ENOENT' });
      return session;
    });
  }

  async apply(
    key: string,
    changes: SessionChanges,
    expiry: SessionExpiry,
    create?: SessionMeta,
    binding?: UserBinding,
  ): Promise<boolean> {
    if (!isStoreKey(key)) return false;
    if (!create) return this.failures.run('apply', () => this.batches.add(key, { changes, expiry }));
    const outcome = await this.failures.run('apply', () =>
      this.locks.with(key, async (): Promise<{ applied: boolean; evicted?: string[] }> => {
        const current = await this.read(key);
        if (current) {
          await this.write(key, { ...current.meta, ...expiry }, applySessionChanges(current.data, changes));
          return { applied: true };
        }
        const meta = { ...create, ...expiry };
        const write = () => this.write(key, meta, applySessionChanges(new Map(), changes));
        if (create.userId === undefined) {
          await write();
          return { applied: true };
        }
        const undo = () => removeFile(this.dir, key, this.settings.fsync);
        const evicted = await this.users.add(create.userId, {
          key,
          createdAt: create.createdAt,
          binding: binding ?? {},
          write,
          undo,
        });
        return evicted === null ? { applied: false } : { applied: true, evicted };
      }),
    );
    // Past the user's limit: out of the index already, destroyed once no lock is held (a session
    // lock is never taken while holding a user's, so processes never wait for each other).
    if (outcome.evicted?.length) {
      const destroyed = await this.failures.run('apply', () => this.destroyFiles(outcome.evicted!));
      for (const evicted of destroyed) this.notifyEvicted(evicted, create.userId!);
    }
    return outcome.applied;
  }

  async touch(key: string, expiry: SessionExpiry): Promise<boolean> {
    if (!isStoreKey(key)) return false;
    return this.failures.run('touch', () =>
      this.locks.with(key, async () => {
        const current = await this.read(key);
        if (!current) return false;
        // The whole file is rewritten (its expiry lives in it and in its mtime); the module
        // touches an unchanged session at most once per touchInterval.
        await this.write(key, { ...current.meta, ...expiry }, current.data);
        return true;
      }),
    );
  }

  async destroy(key: string): Promise<boolean> {
    if (!isStoreKey(key)) return false;
    return this.failures.run('destroy', () =>
      this.locks.with(key, async () => {
        const current = await this.read(key);
        const removed = await removeFile(this.dir, key, this.settings.fsync);
        if (current?.meta.userId !== undefined) await this.users.remove(current.meta.userId, key);
        return removed && current !== null;
      }),
    );
  }

  /** Live sessions: one `lstat` per file in the directory (for dashboards, not per request). */
  async count(): Promise<number> {
    return this.failures.run('count', async () => {
      let live = 0;
      const now = Date.now();
      for await (const entry of await opendir(this.dir, { bufferSize: 512 })) {
        if (!entry.isFile() || !isStoreKey(entry.name)) continue;
        const stats = await lstat(join(this.dir, entry.name)).catch(() => null);
        if (stats && stats.mtimeMs > now) live++;
      }
      return live;
    });
  }

  async listByUser(userId: string): Promise<StoredSessionEntry[]> {
    return this.failures.run('listByUser', () => this.users.list(userId));
  }

  async destroyByUser(userId: string, exceptKey?: string): Promise<string[]> {
    return this.failures.run('destroyByUser', async () =>
      this.destroyFiles(await this.users.takeAll(userId, exceptKey)),
    );
  }

  getCached(name: string): Promise<string | null> {
    return this.failures.run('getCached', () => this.cache.get(name));
  }

  setCached(name: string, value: string, ttl: number): Promise<void> {
    return this.failures.run('setCached', () => this.cache.set(name, value, ttl));
  }

  deleteCached(name: string): Promise<void> {
    return this.failures.run('deleteCached', () => this.cache.delete(name));
  }

  /** A stat of the directory: rejects when it is gone or no longer a directory. */
  async ping(): Promise<void> {
    const stats = await stat(this.dir);
    if (!stats.isDirectory()) throw new Error(`FileStore dir ${this.dir} is not a directory`);
  }

  /**
   * Sweeps now (the timer does it every `sweepInterval`): removes expired sessions and cached
   * values, and the leftovers of crashes. Resolves to the number of files removed.
   */
  sweep(): Promise<number> {
    return this.failures.run('sweep', () => this.sweeper.sweep());
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * The session in `key`'s file, or null when there is none, it expired (the file is removed on
   * the way) or it is unreadable (logged once).
   */
  private async read(key: string): Promise<StoredSession | null> {
    const contents = await readOptionalFile(this.dir, key);
    if (contents === null) return null;
    let session: StoredSession;
    try {
      session = decodeSessionText(this.sealer.open(contents, key));
    } catch (err) {
      if (!(err instanceof UnreadableFileError)) throw err;
      this.reportUnreadable(key, err.message);
      return null;
    }
    if (session.meta.expiresAt > Date.now()) return session;
    // Nothing revives an expired session, so its file may go without its lock.
    if (await removeFile(this.dir, key, false)) this.notifyExpired(key, session.meta);
    return null;
  }

  /** Applies waiting change sets in arrival order, in one write (see `WriteBatches`). */
  private async applyBatch(
    key: string,
    items: { changes: SessionChanges; expiry: SessionExpiry }[],
  ): Promise<PromiseSettledResult<boolean>[]> {
    const current = await this.read(key);
    if (!current) return allSettledAs(items.length, false);
    let { data, meta } = current;
    for (const { changes, expiry } of items) {
      data = applySessionChanges(data, changes);
      meta = { ...meta, ...expiry };
    }
    await this.write(key, meta, data);
    return allSettledAs(items.length, true);
  }

  private write(key: string, meta: SessionMeta, data: ReadonlyMap<string, string>): Promise<void> {
    const contents = this.sealer.seal(encodeSessionText(meta, data), key);
    return writeFileAtomic(this.dir, key, contents, meta.expiresAt, this.settings.fsync);
  }

  /** Destroys sessions already out of their user's index; returns the keys that were live. */
  private async destroyFiles(keys: string[]): Promise<string[]> {
    const live = await Promise.all(
      keys.map((key) =>
        this.locks.with(key, async () => {
          const current = await this.read(key);
          return (await removeFile(this.dir, key, this.settings.fsync)) && current !== null;
        }),
      ),
    );
    return keys.filter((_, i) => live[i]);
  }

  private async isLive(key: string): Promise<boolean> {
    const stats = await lstat(join(this.dir, key)).catch((err: unknown) =>
      isCode(err, 'ENOENT') ? null : Promise.reject(err),
    );
    return stats !== null && stats.mtimeMs > Date.now();
  }

  private reportUnreadable(key: string, reason: string): void {
    if (this.unreadable.has(key)) return;
    if (this.unreadable.size >= UNREADABLE_REMEMBERED) this.unreadable.clear();
    this.unreadable.add(key);
    this.logger.warn(
      `Session file ${key.slice(0, 8)}… in ${this.dir} is unreadable (${reason}); it counts as no session`,
    );
  }
}

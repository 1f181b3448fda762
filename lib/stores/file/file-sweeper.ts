import { lstat, opendir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isCode, TEMP_SUFFIX } from './atomic-file';
import { LOCK_SUFFIX, STALE_SUFFIX } from './file-lock';
import { USER_SUFFIX } from './file-user-index';

/** Suffix of shared-cache files (`c-<sha256(name)>.cache`). */
export const CACHE_SUFFIX = '.cache';
/** A temporary file this old belongs to a write that crashed. */
const ORPHAN_AGE = 60_000;

/** What a sweep does besides removing expired files. */
export interface SweepHooks {
  /** Whether `name` is a session file (a store key). */
  isSessionFile(name: string): boolean;
  /** A session file was removed because it expired. */
  expired(key: string): void;
  /** A lock file: remove it if its holder is gone. */
  lock(name: string): Promise<void>;
  /** A user index file: remove it if none of its sessions lives. */
  userIndex(name: string): Promise<void>;
}

/**
 * Removes expired session and cache files without reading them: a file's mtime is its expiry
 * (set on every write), so one `lstat` per entry decides. The directory is streamed with
 * `opendir` and handled `batchSize` entries at a time, yielding to other work between batches,
 * so memory stays flat whatever the number of files. Orphans of crashes go too: temporary files
 * older than a minute, stale locks, and user indexes with no live session.
 *
 * An expired file is removed without its lock: the store never revives an expired session (apply
 * and touch refuse it, and a new session gets a new key), so nothing can be writing it.
 */
export class FileSweeper {
  private running?: Promise<number>;

  constructor(
    private readonly dir: string,
    private readonly batchSize: number,
    private readonly hooks: SweepHooks,
  ) {}

  /** One pass over the directory (joins a pass already running); resolves to the files removed. */
  sweep(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    let removed = 0;
    let batch: string[] = [];
    const dir = await opendir(this.dir, { bufferSize: Math.min(this.batchSize, 1024) });
    for await (const entry of dir) {
      if (!entry.isFile()) continue;
      batch.push(entry.name);
      if (batch.length >= this.batchSize) {
        removed += await this.handle(batch);
        batch = [];
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return removed + (await this.handle(batch));
  }

  private async handle(names: string[]): Promise<number> {
    const now = Date.now();
    const done = await Promise.all(names.map((name) => this.handleOne(name, now).catch(() => false)));
    return done.filter(Boolean).length;
  }

  private async handleOne(name: string, now: number): Promise<boolean> {
    if (name.endsWith(LOCK_SUFFIX)) {
      await this.hooks.lock(name);
      return false;
    }
    if (name.endsWith(USER_SUFFIX)) {
      await this.hooks.userIndex(name);
      return false;
    }
    const session = this.hooks.isSessionFile(name);
    const temp = name.endsWith(TEMP_SUFFIX) || name.endsWith(STALE_SUFFIX);
    if (!session && !temp && !name.endsWith(CACHE_SUFFIX)) return false;
    const stats = await lstat(join(this.dir, name));
    const due = temp ? stats.ctimeMs < now - ORPHAN_AGE : stats.mtimeMs <= now;
    if (!due) return false;
    try {
      await unlink(join(this.dir, name));
    } catch (err) {
      if (isCode(err, 'ENOENT')) return false; // another process swept it first
      throw err;
    }
    if (session) this.hooks.expired(name);
    return true;
  }
}

import { createHash } from 'node:crypto';
import { readOptionalFile, removeFile, writeFileAtomic } from './atomic-file';
import type { FileSealer } from './file-session-codec';
import { UnreadableFileError } from './file-session-codec';
import { CACHE_SUFFIX } from './file-sweeper';

/**
 * The shared cache (`userLoader` profiles) as files: `c-<sha256(name)>.cache` holding
 * `[expiresAt, value]`, sealed like sessions, mtime set to the expiry so the sweep removes it.
 * Written atomically without a lock: the last writer wins, as a cache may.
 */
export class FileCache {
  constructor(
    private readonly dir: string,
    private readonly sealer: FileSealer,
    private readonly durable: boolean,
  ) {}

  async get(name: string): Promise<string | null> {
    const file = cacheFile(name);
    const contents = await readOptionalFile(this.dir, file);
    if (contents === null) return null;
    try {
      const [expiresAt, value] = JSON.parse(this.sealer.open(contents, file)) as [number, string];
      if (typeof value === 'string' && expiresAt > Date.now()) return value;
    } catch (err) {
      // An unreadable entry is a miss: the profile is loaded again.
      if (!(err instanceof UnreadableFileError) && !(err instanceof SyntaxError)) throw err;
    }
    return null;
  }

  async set(name: string, value: string, ttl: number): Promise<void> {
    const file = cacheFile(name);
    const expiresAt = Date.now() + ttl;
    const contents = this.sealer.seal(JSON.stringify([expiresAt, value]), file);
    await writeFileAtomic(this.dir, file, contents, expiresAt, this.durable);
  }

  async delete(name: string): Promise<void> {
    await removeFile(this.dir, cacheFile(name), this.durable);
  }
}

/** A cache entry's file, named by a hash of its name (whatever the name holds). */
function cacheFile(name: string): string {
  return `c-${createHash('sha256').update(name).digest('base64url')}${CACHE_SUFFIX}`;
}
